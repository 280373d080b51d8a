from django.urls import path

from . import views

app_name = "warranty"

urlpatterns = [
    path("exclusions/", views.exclusion_list, name="exclusion_list"),
    path("exclusions/new/", views.exclusion_create, name="exclusion_create"),
    path("exclusions/defaults/", views.exclusion_defaults, name="exclusion_defaults"),
    path("exclusions/<int:pk>/", views.exclusion_detail, name="exclusion_detail"),
    path("exclusions/<int:pk>/edit/", views.exclusion_edit, name="exclusion_edit"),
    path("exclusions/<int:pk>/delete/", views.exclusion_delete, name="exclusion_delete"),
    path("check/", views.check, name="check"),
]
