from django.urls import path

from . import stock_views, views

app_name = "parts"

urlpatterns = [
    path("", views.part_list, name="part_list"),
    path("new/", views.part_create, name="part_create"),
    path("<int:pk>/", views.part_detail, name="part_detail"),
    path("<int:pk>/edit/", views.part_edit, name="part_edit"),
    path("<int:pk>/delete/", views.part_delete, name="part_delete"),
    path("stock/", stock_views.stock_list, name="stock_list"),
    path("stock/new/", stock_views.stock_open, name="stock_open"),
    path("stock/<int:pk>/", stock_views.stock_detail, name="stock_detail"),
    path("stock/<int:pk>/edit/", stock_views.stock_edit, name="stock_edit"),
    path("stock/<int:pk>/receive/", stock_views.stock_receive, name="stock_receive"),
    path("stock/<int:pk>/count/", stock_views.stock_count, name="stock_count"),
]
