"""Pages for customers without a login (estimate approval, order status), reached by unguessable links."""

from .views import public_approval, public_status

app_name = "public"

urlpatterns = [*public_approval.urlpatterns, *public_status.urlpatterns]
