from aftersales.accounts.models import ServicePoint
from aftersales.core.testing import StandardAPITests, StandardViewTests, make_point, make_user


def _child(point):
    return make_point(f"{point.code}-X{ServicePoint.objects.count()}", parent=point, name=f"{point.name} child")


class ServicePointAPITests(StandardAPITests):
    model = ServicePoint
    api_url = "/api/v1/service-points"

    @classmethod
    def make_object(cls, point):
        return _child(point)

    def create_payload(self, point):
        return {"code": "NEW-1", "name": "新网点", "kind": "network_point", "parent_id": point.pk, "city": "杭州"}

    def update_payload(self):
        return {"name": "改名后的网点", "bays": 6}

    def bad_payload(self):
        return {"code": "", "name": "x", "kind": "dealer", "parent_id": self.point_a.pk}, "code"


class ServicePointViewTests(StandardViewTests):
    model = ServicePoint
    list_url = "/accounts/points/"
    create_url = "/accounts/points/new/"

    @classmethod
    def make_object(cls, point):
        return _child(point)

    def detail_url(self, obj):
        return f"/accounts/points/{obj.pk}/"

    def edit_url(self, obj):
        return f"/accounts/points/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/accounts/points/{obj.pk}/delete/"

    def form_data(self, point):
        return {"code": "UI-1", "name": "界面网点", "kind": "dealer", "parent_id": point.pk, "bays": 4,
                "technician_count": 3, "labour_rate": "120.00", "is_active": "on"}

    def edit_data(self, obj):
        return {"code": obj.code, "name": "改过", "bays": 2, "technician_count": 1, "labour_rate": "99.00"}


def test_tree_path_covers_descendants(db):
    hq = make_point("HQ1", kind="company")
    region = make_point("R1", parent=hq, kind="region")
    store = make_point("S1", parent=region)
    user = make_user("mgr", point=region, perms=["accounts.view_servicepoint"])
    visible = set(ServicePoint.objects.restrict(user, "view").values_list("pk", flat=True))
    assert visible == {region.pk, store.pk}


def test_service_point_form_shows_error_beside_field(client, db):
    hq = make_point("HQ2", kind="company")
    user = make_user("boss", point=hq, perms=["accounts.*"])
    client.force_login(user)
    response = client.post("/accounts/points/new/", {"code": "HQ2", "name": "dup", "kind": "dealer",
                                                     "parent_id": hq.pk, "bays": 1, "technician_count": 1,
                                                     "labour_rate": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Another service point has this code."]
