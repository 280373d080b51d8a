from django.urls import path

from . import views

app_name = "insurance"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_create, name="create"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
    path("<int:pk>/step/<str:name>/", views.claim_step, name="step"),
    path("<int:pk>/documents/<str:code>/", views.claim_document, name="document"),
    path("<int:pk>/documents/<str:code>/scan/", views.claim_document_scan, name="document_scan"),
]
