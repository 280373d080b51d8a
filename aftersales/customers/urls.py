from django.urls import path

from . import rule_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("duplicates/check/", views.duplicate_check, name="duplicate_check"),
    path("classify/", rule_views.classify_all, name="classify_all"),
    path("<int:pk>/", views.customer_detail_view, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/merge/", views.customer_merge, name="merge"),
    path("<int:pk>/classify/", views.customer_classify, name="classify"),
    path("rules/", rule_views.rule_list, name="rule_list"),
    path("rules/new/", rule_views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", rule_views.rule_detail, name="rule_detail"),
    path("rules/<int:pk>/edit/", rule_views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", rule_views.rule_delete, name="rule_delete"),
]
