"""The demo organisation: 华晟汽车服务集团 → regions → service points, and one user per default role."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction

from aftersales.accounts.choices import PointKind
from aftersales.accounts.models import Membership, Role, ServicePoint, User
from aftersales.accounts.services import service_point_create
from aftersales.core.audit import record_change, snapshot

COMPANY_CODE = "HS"

DEALER_HOURS = {str(day): [["08:30", "18:00"]] for day in range(1, 8)}
NETWORK_HOURS = {str(day): [["09:00", "18:00"]] for day in range(1, 7)}
CENTRE_HOURS = {str(day): [["08:00", "20:00"]] for day in range(1, 8)}
WAREHOUSE_HOURS = {str(day): [["08:00", "12:00"], ["13:00", "17:00"]] for day in range(1, 6)}

# code, parent code, kind, name, province, city, address, latitude, longitude, phone, brands, skills,
# opening hours, bays, technicians, labour rate (CNY/hour)
POINTS = [
    ("HS-EAST", COMPANY_CODE, PointKind.REGION, "华东大区", "上海市", "上海市", "上海市静安区南京西路1266号恒隆广场28楼",
     "31.228900", "121.452300", "02162881000", [], [], {}, 0, 0, "0"),
    ("HS-SOUTH", COMPANY_CODE, PointKind.REGION, "华南大区", "广东省", "广州市", "广州市天河区珠江新城花城大道85号",
     "23.119700", "113.325500", "02038881000", [], [], {}, 0, 0, "0"),
    ("HS-NORTH", COMPANY_CODE, PointKind.REGION, "华北大区", "北京市", "北京市", "北京市朝阳区建国路81号华贸中心",
     "39.909600", "116.478900", "01065881000", [], [], {}, 0, 0, "0"),
    ("HS-INFO", COMPANY_CODE, PointKind.INFO_CENTRE, "华晟客户服务信息中心", "上海市", "上海市",
     "上海市徐汇区漕河泾开发区宜山路700号B座", "31.172400", "121.404700", "4008201888", [],
     ["热线受理", "派工调度", "回访"], CENTRE_HOURS, 0, 0, "0"),
    ("SH-PD-4S", "HS-EAST", PointKind.DEALER, "华晟上海浦东大众4S店", "上海市", "上海市", "上海市浦东新区川沙路4988号",
     "31.193200", "121.698300", "02158981234", ["上汽大众", "斯柯达"], ["保养", "机修", "钣喷", "电气诊断", "新能源"],
     DEALER_HOURS, 24, 32, "180.00"),
    ("HZ-XH-4S", "HS-EAST", PointKind.DEALER, "华晟杭州西湖丰田4S店", "浙江省", "杭州市", "杭州市西湖区古墩路1188号",
     "30.308100", "120.096700", "057188761234", ["一汽丰田", "广汽丰田"], ["保养", "机修", "钣喷", "混合动力"],
     DEALER_HOURS, 16, 21, "160.00"),
    ("GZ-TH-NP", "HS-SOUTH", PointKind.NETWORK_POINT, "华晟广州天河家电服务网点", "广东省", "广州市",
     "广州市天河区天河北路613号", "23.145700", "113.330900", "02087561234", ["格力", "美的", "海尔"],
     ["空调安装", "空调维修", "洗衣机维修", "清洗保养"], NETWORK_HOURS, 4, 12, "120.00"),
    ("BJ-CY-NP", "HS-NORTH", PointKind.NETWORK_POINT, "华晟北京朝阳服务网点", "北京市", "北京市",
     "北京市朝阳区朝阳北路101号", "39.923900", "116.517800", "01085761234", ["美的", "海尔", "格力"],
     ["空调安装", "空调维修", "洗衣机维修"], NETWORK_HOURS, 3, 8, "130.00"),
    ("WH-EAST", "HS-EAST", PointKind.WAREHOUSE, "华晟华东配件中心库", "江苏省", "苏州市", "苏州市昆山市花桥镇绿地大道388号",
     "31.301700", "121.109800", "051257681234", [], ["配件仓储", "配件配送"], WAREHOUSE_HOURS, 0, 0, "0"),
]

# user name, display name, role code, service point code. Passwords equal the user names.
USERS = [
    ("admin", "陈志远", "hq_manager", COMPANY_CODE),
    ("manager", "刘建国", "point_manager", "SH-PD-4S"),
    ("advisor", "王晓燕", "service_advisor", "SH-PD-4S"),
    ("advisor2", "赵嘉怡", "service_advisor", "HZ-XH-4S"),
    ("hotline", "孙丽", "hotline_agent", "HS-INFO"),
    ("dispatcher", "周鹏飞", "dispatcher", "HS-INFO"),
    ("technician", "李强", "technician", "SH-PD-4S"),
    ("inspector", "郭明", "qc_inspector", "SH-PD-4S"),
    ("parts", "何海燕", "parts_clerk", "SH-PD-4S"),
    ("cashier", "林婷婷", "cashier", "SH-PD-4S"),
    ("claims", "徐志强", "claims_clerk", "SH-PD-4S"),
]


def demo_password_hash(username: str) -> str:
    """The user name as password. Hashed with few PBKDF2 rounds so eleven users load in well under a
    second; Django re-hashes with the full count at the first login (``must_update``)."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(username, hasher.salt(), iterations=1000)
    return make_password(username)


def _demo_user(*, username: str, display_name: str, point: ServicePoint, role: str, actor: User | None,
               **extra) -> User:
    # Not user_create(): its password rules (rightly) refuse a password equal to the user name, which
    # the demo logins need.
    user = User.objects.create(username=username, password=demo_password_hash(username), display_name=display_name,
                               email=f"{username}@example.com", **extra)
    Membership.objects.create(user=user, service_point=point, role=Role.objects.get(code=role))
    record_change(actor=actor or user, instance=user, action="create", before=None,
                  after=snapshot(user, extra={"memberships": [{"service_point_id": point.pk, "role": role}]}))
    return user


@transaction.atomic
def create_organisation() -> dict:
    """Create the tree and the users. Returns {"admin": User, "points": {code: ServicePoint}, "users": {...}}."""
    # The company root and its HQ manager come first: nobody exists yet who could create them
    # through a service. Everything below is created by that HQ manager through the services.
    company = ServicePoint.objects.create(
        code=COMPANY_CODE, name="华晟汽车服务集团", kind=PointKind.COMPANY, province="上海市", city="上海市",
        address="上海市黄浦区中山东一路18号", latitude=Decimal("31.240500"), longitude=Decimal("121.490300"),
        phone="4008201888", brands=["上汽大众", "斯柯达", "一汽丰田", "广汽丰田", "格力", "美的", "海尔"],
        skills=[], opening_hours={},
    )
    company.path = f"/{company.pk}/"
    company.save(update_fields=["path"])
    admin = _demo_user(username="admin", display_name=USERS[0][1], point=company, role=USERS[0][2], actor=None,
                       is_staff=True, is_superuser=True)
    record_change(actor=admin, instance=company, action="create", before=None, after=snapshot(company))
    points = {COMPANY_CODE: company}
    for (code, parent, kind, name, province, city, address, lat, lng, phone, brands, skills, hours, bays, techs,
         rate) in POINTS:
        points[code] = service_point_create(
            user=admin, parent_id=points[parent].pk, code=code, name=name, kind=kind, province=province, city=city,
            address=address, latitude=Decimal(lat), longitude=Decimal(lng), phone=phone, brands=brands,
            skills=skills, opening_hours=hours, bays=bays, technician_count=techs, labour_rate=Decimal(rate),
            is_active=True,
        )
    users = {"admin": admin}
    for username, display_name, role, point_code in USERS[1:]:
        users[username] = _demo_user(username=username, display_name=display_name, point=points[point_code],
                                     role=role, actor=admin)
    return {"admin": admin, "points": points, "users": users}
