"""The columns an import file may have, per kind: header names in Chinese and English, value types,
accepted spellings of choice values, and the example row of the template file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .choices import ImportKind

TEXT, DATE, INT, DECIMAL, BOOL, CHOICE, PHONE, PHONES, UPPER = (
    "text", "date", "int", "decimal", "bool", "choice", "phone", "phones", "upper")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    type: str = TEXT
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: object = ""
    # accepted spelling (compared after normalising) → stored value
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def template_header(self) -> str:
        return f"{self.zh} / {self.en}{' *' if self.required else ''}"

    def names(self) -> set[str]:
        return {normalise(n) for n in (self.zh, self.en, self.key, *self.aliases)}


def normalise(text: str) -> str:
    """Header and choice spellings compare without case, spaces, underscores, hyphens or marks."""
    return re.sub(r"[\s_\-*＊:：.]+", "", str(text)).lower()


def _choices(**spellings: tuple[str, ...]) -> dict[str, str]:
    table = {}
    for value, names in spellings.items():
        for name in (value, *names):
            table[normalise(name)] = value
    return table


BOOLEAN_WORDS = {
    **{normalise(w): True for w in ("是", "同意", "yes", "y", "true", "1", "√", "✓")},
    **{normalise(w): False for w in ("否", "不同意", "no", "n", "false", "0", "×")},
}

_KIND = _choices(person=("个人", "私人", "individual"),
                 organisation=("单位", "企业", "公司", "组织", "机构", "organization", "company"))
_GENDER = _choices(M=("男", "male", "man"), F=("女", "female", "woman"))
_ID_TYPE = _choices(resident_id=("身份证", "居民身份证", "resident id", "id card"), passport=("护照",),
                    credit_code=("统一社会信用代码", "信用代码", "营业执照", "credit code"),
                    other=("其他", "其它"))
_SEGMENT = _choices(private=("私家车", "私人", "个人", "private car"),
                    company=("公务车", "单位车", "政府", "企业", "company car", "government"),
                    taxi=("出租车", "的士"), fleet=("车队",), insurance=("保险", "事故车", "accident"))
_CHANNEL = _choices(phone=("电话", "call", "phone call"), sms=("短信", "text"), wechat=("微信",),
                    email=("邮件", "电子邮件", "邮箱", "e-mail"))
_CREDIT = _choices(good=("良好", "好", "优"), normal=("一般", "普通", "正常"), watch=("关注", "观察"),
                   blocked=("现金", "仅现金", "cash only", "blocked"))
_ASSET_KIND = _choices(vehicle=("车辆", "汽车", "车", "car"), product=("产品", "设备", "家电", "appliance"))
_METER = _choices(km=("公里", "千米", "kilometres", "kilometers"), h=("小时", "hours", "hour", "operating hours"))

_POINT = Column("service_point_code", "网点编码", "service point code", aliases=("网点代码", "service point"),
                example="")
_NOTES = Column("notes", "备注", "notes", aliases=("说明", "remark", "remarks"))

CUSTOMER_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "name", required=True, example="张三",
           aliases=("客户姓名", "客户名称", "名称", "单位名称", "customer name", "customer")),
    Column("kind", "客户类型", "kind", CHOICE, choices=_KIND, example="个人", aliases=("customer type",)),
    Column("contact_person", "联系人", "contact person", aliases=("contact",)),
    Column("gender", "性别", "gender", CHOICE, choices=_GENDER, example="男", aliases=("sex",)),
    Column("birthday", "生日", "birthday", DATE, example="1988-06-15", aliases=("出生日期", "date of birth")),
    Column("id_type", "证件类型", "ID type", CHOICE, choices=_ID_TYPE, example="身份证"),
    Column("id_number", "身份证号", "ID number", UPPER, example="110105198806150016",
           aliases=("身份证", "身份证号码", "证件号码", "证件号", "id no")),
    Column("phone", "手机", "phone", PHONE, example="13812345678",
           aliases=("手机号", "手机号码", "电话", "联系电话", "mobile", "phone number", "tel")),
    Column("other_phones", "其他电话", "other phones", PHONES, example="021-50001234",
           aliases=("电话2", "备用电话", "座机", "phone 2")),
    Column("wechat", "微信", "WeChat", aliases=("微信号",)),
    Column("email", "邮箱", "e-mail", example="zhangsan@example.com", aliases=("电子邮件", "电子邮箱", "email")),
    Column("segment", "客户类别", "segment", CHOICE, choices=_SEGMENT, example="私家车", aliases=("客户分类",)),
    Column("province", "省份", "province", example="上海市", aliases=("省",)),
    Column("city", "城市", "city", example="上海市", aliases=("市",)),
    Column("district", "区县", "district", example="浦东新区", aliases=("区", "县")),
    Column("street", "地址", "address", example="世纪大道100号",
           aliases=("详细地址", "街道地址", "street", "street address")),
    Column("postcode", "邮编", "postcode", aliases=("邮政编码", "zip")),
    Column("preferences", "偏好", "preferences"),
    Column("preferred_channel", "首选联系方式", "preferred channel", CHOICE, choices=_CHANNEL, example="微信",
           aliases=("联系方式",)),
    Column("preferred_hours", "联系时间", "preferred hours", example="09:00-18:00",
           aliases=("preferred contact hours",)),
    Column("marketing_consent", "同意营销", "marketing consent", BOOL, example="是", aliases=("营销许可",)),
    Column("credit_rating", "信用等级", "credit rating", CHOICE, choices=_CREDIT),
    Column("credit_limit", "信用额度", "credit limit", DECIMAL),
    Column("payment_term_days", "账期天数", "payment terms (days)", INT, aliases=("账期", "payment terms")),
    Column("referrer_phone", "推荐人手机", "referrer phone", PHONE, aliases=("推荐人电话", "referred by phone")),
    _POINT,
    _NOTES,
)

ASSET_COLUMNS: tuple[Column, ...] = (
    Column("kind", "类型", "kind", CHOICE, choices=_ASSET_KIND, example="车辆", aliases=("资产类型", "type")),
    Column("owner_phone", "客户手机", "owner phone", PHONE, example="13812345678",
           aliases=("车主手机", "车主电话", "客户电话", "owner mobile", "customer phone")),
    Column("owner_id_number", "客户身份证号", "owner ID number", UPPER,
           aliases=("车主身份证号", "客户证件号", "车主证件号", "customer id number")),
    Column("owner_name", "客户姓名", "owner name", example="张三",
           aliases=("车主姓名", "车主", "customer name")),
    Column("brand", "品牌", "brand", required=True, example="大众", aliases=("厂牌", "make")),
    Column("model", "车型", "model", example="朗逸", aliases=("型号", "车型/型号")),
    Column("model_year", "年款", "model year", INT, example=2021, aliases=("年份", "year")),
    Column("sale_date", "销售日期", "sale date", DATE, example="2021-05-20",
           aliases=("购车日期", "购买日期", "purchase date")),
    Column("selling_dealer_code", "销售网点编码", "selling dealer code", aliases=("销售商编码",)),
    Column("vin", "车架号", "VIN", UPPER, example="LSVAU0331M2123456",
           aliases=("VIN码", "车辆识别代号", "车辆识别号", "frame number")),
    Column("plate", "车牌号", "plate", UPPER, example="沪A12345",
           aliases=("车牌", "车牌号码", "plate number", "licence plate", "license plate")),
    Column("engine_number", "发动机号", "engine number", UPPER, aliases=("发动机号码",)),
    Column("colour", "颜色", "colour", example="白色", aliases=("车身颜色", "color")),
    Column("serial_number", "序列号", "serial number", UPPER,
           aliases=("机身号", "产品序列号", "条码", "sn", "serial")),
    Column("installation_date", "安装日期", "installation date", DATE),
    Column("installation_address", "安装地址", "installation address"),
    Column("meter_unit", "计量单位", "meter unit", CHOICE, choices=_METER),
    Column("reading", "当前里程", "reading", INT, example=35000,
           aliases=("里程", "行驶里程", "mileage", "odometer", "里程数", "小时数")),
    Column("read_on", "里程日期", "reading date", DATE, example="2024-03-01", aliases=("读数日期",)),
    _POINT,
    _NOTES,
)

COLUMNS: dict[str, tuple[Column, ...]] = {ImportKind.CUSTOMERS: CUSTOMER_COLUMNS, ImportKind.ASSETS: ASSET_COLUMNS}


def columns_for(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]
