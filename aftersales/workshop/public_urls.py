"""Pages for customers without a login (order status, estimate approval), reached by unguessable links."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns: list = []
