from django.urls import path

from . import record_views, views

app_name = "assets"
urlpatterns = [
    path("vehicles/", views.vehicle_list, name="vehicle_list"),
    path("products/", views.product_list, name="product_list"),
    path("new/", views.asset_create, name="create"),
    path("vin-check/", views.vin_check, name="vin_check"),
    path("owner-options/", views.owner_options, name="owner_options"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/edit/", views.asset_edit, name="edit"),
    path("<int:pk>/delete/", views.asset_delete, name="delete"),
    path("<int:pk>/transfer/", views.asset_transfer, name="transfer"),
    path("<int:pk>/readings/new/", record_views.reading_create, name="reading_create"),
    path("<int:pk>/coverages/new/", record_views.coverage_create, name="coverage_create"),
    path("readings/", record_views.reading_list, name="reading_list"),
    path("readings/<int:pk>/", record_views.reading_detail, name="reading_detail"),
    path("readings/<int:pk>/delete/", record_views.reading_delete, name="reading_delete"),
    path("coverages/", record_views.coverage_list, name="coverage_list"),
    path("coverages/<int:pk>/", record_views.coverage_detail, name="coverage_detail"),
    path("coverages/<int:pk>/edit/", record_views.coverage_edit, name="coverage_edit"),
    path("coverages/<int:pk>/delete/", record_views.coverage_delete, name="coverage_delete"),
    path("intervals/", record_views.interval_list, name="interval_list"),
    path("intervals/new/", record_views.interval_create, name="interval_create"),
    path("intervals/<int:pk>/", record_views.interval_detail, name="interval_detail"),
    path("intervals/<int:pk>/edit/", record_views.interval_edit, name="interval_edit"),
    path("intervals/<int:pk>/delete/", record_views.interval_delete, name="interval_delete"),
]
