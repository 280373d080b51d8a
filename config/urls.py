from django.contrib import admin
from django.urls import include, path

from aftersales.core import views as core_views

from .api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("aftersales.accounts.urls")),
    path("customers/", include("aftersales.customers.urls")),
    path("assets/", include("aftersales.assets.urls")),
    path("search/", include("aftersales.search.urls")),
    path("imports/", include("aftersales.imports.urls")),
    path("crm/", include("aftersales.crm.urls")),
    path("appointments/", include("aftersales.appointments.urls")),
    path("parts/", include("aftersales.parts.urls")),
    path("warranty/", include("aftersales.warranty.urls")),
    path("workshop/", include("aftersales.workshop.urls")),
    path("insurance/", include("aftersales.insurance.urls")),
    path("p/", include("aftersales.workshop.public_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]
