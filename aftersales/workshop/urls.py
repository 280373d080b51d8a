"""Workshop pages: each stage's views module carries its own url patterns."""

from .views import documents, floor, orders, settlement

app_name = "workshop"

urlpatterns = [*orders.urlpatterns, *floor.urlpatterns, *settlement.urlpatterns, *documents.urlpatterns]
