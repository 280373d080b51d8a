import pytest
from django.db import transaction

from aftersales.accounts.models import ServicePoint
from aftersales.core.db_router import PrimaryReplicaRouter


def test_without_replicas_everything_goes_to_the_primary(settings):
    router = PrimaryReplicaRouter()
    assert router.db_for_read(ServicePoint) == "default"
    assert router.db_for_write(ServicePoint) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_a_replica_outside_transactions_only(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    router = PrimaryReplicaRouter()
    assert router.db_for_read(ServicePoint) == "replica1"
    with transaction.atomic():
        assert router.db_for_read(ServicePoint) == "default"
    assert router.db_for_write(ServicePoint) == "default"
    assert router.allow_migrate("replica1", "accounts") is False
