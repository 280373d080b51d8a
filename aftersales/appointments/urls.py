from django.urls import path

from . import views, views_capacity

app_name = "appointments"

urlpatterns = [
    path("", views.day_view, name="list"),
    path("all/", views.appointment_list, name="all"),
    path("new/", views.appointment_create, name="create"),
    path("recommendations/", views.recommendations_partial, name="recommendations"),
    path("capacity/", views_capacity.capacity, name="capacity"),
    path("holidays/add/", views_capacity.holiday_add, name="holiday_add"),
    path("holidays/<int:pk>/", views_capacity.holiday_detail, name="holiday_detail"),
    path("holidays/<int:pk>/delete/", views_capacity.holiday_remove, name="holiday_delete"),
    path("overrides/add/", views_capacity.override_add, name="override_add"),
    path("overrides/<int:pk>/delete/", views_capacity.override_remove, name="override_delete"),
    path("<int:pk>/", views.appointment_detail, name="detail"),
    path("<int:pk>/edit/", views.appointment_edit, name="edit"),
    path("<int:pk>/confirm/", views.appointment_confirm, name="confirm"),
    path("<int:pk>/reschedule/", views.appointment_reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.appointment_cancel, name="cancel"),
    path("<int:pk>/no-show/", views.appointment_no_show, name="no_show"),
    path("<int:pk>/invite.ics", views.appointment_invite, name="invite"),
]
