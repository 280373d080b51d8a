"""What the demo customers own and where they live, per service point."""

from __future__ import annotations

from dataclasses import dataclass

# brand, WMI, [(model, new energy?, engine prefix)], colours
VW = ("上汽大众", "LSV", [("朗逸", False, "DMB"), ("帕萨特", False, "DKV"), ("途观L", False, "DKX"),
                        ("途昂", False, "DPL"), ("ID.4 X", True, "EBJ")])
SKODA = ("斯柯达", "LSV", [("明锐", False, "DMB"), ("柯迪亚克", False, "DKX")])
FAW_TOYOTA = ("一汽丰田", "LFM", [("卡罗拉", False, "8ZR"), ("亚洲龙", False, "A25"), ("RAV4荣放", False, "M20"),
                              ("bZ3", True, "1XM")])
GAC_TOYOTA = ("广汽丰田", "LVG", [("凯美瑞", False, "A25"), ("汉兰达", False, "M20"), ("雷凌", False, "8ZR"),
                              ("bZ4X", True, "1YM")])
COLOURS = ["极地白", "曜石黑", "星空灰", "月光银", "宝石蓝", "火山红", "珍珠白"]

# brand, kind label, model, serial prefix
APPLIANCES = [
    ("格力", "空调", "KFR-35GW/(35592)FNhAa-B1", "GL"),
    ("格力", "空调", "KFR-72LW/(72555)FNhAa-B1", "GL"),
    ("美的", "空调", "KFR-35GW/N8MXA1", "MD"),
    ("美的", "洗衣机", "MG100V58WT", "MW"),
    ("海尔", "洗衣机", "EG100MATE55", "HE"),
    ("海尔", "空调", "KFR-35GW/81@U1-Ge", "HA"),
]

INSURERS = [("中国人民财产保险", "PDAA"), ("中国平安财产保险", "PAHF"), ("中国太平洋财产保险", "ACSH"),
            ("中华联合财产保险", "ZHLH"), ("大地财产保险", "DDCX")]


@dataclass(frozen=True)
class Locality:
    point_code: str
    share: float  # of the customers
    province: str
    city: str
    plate_province: str
    plate_letters: str
    districts: tuple[tuple[str, str, str], ...]  # (district, resident-ID area code, postcode)
    streets: tuple[str, ...]
    vehicles: tuple = ()
    appliances: bool = False


LOCALITIES = [
    Locality("SH-PD-4S", 0.38, "上海市", "上海市", "沪", "ABCDEFGHJKLMN",
             (("浦东新区", "310115", "200120"), ("闵行区", "310112", "201100"), ("徐汇区", "310104", "200030"),
              ("静安区", "310106", "200040")),
             ("张杨路", "世纪大道", "川沙路", "龙阳路", "莲花南路", "漕溪北路", "延安中路", "锦绣路"),
             vehicles=(VW, VW, SKODA)),
    Locality("HZ-XH-4S", 0.24, "浙江省", "杭州市", "浙", "AAAH",
             (("西湖区", "330106", "310012"), ("拱墅区", "330105", "310011"), ("余杭区", "330110", "311100")),
             ("文三路", "古墩路", "天目山路", "莫干山路", "文一西路", "五常大道"),
             vehicles=(FAW_TOYOTA, GAC_TOYOTA)),
    Locality("GZ-TH-NP", 0.22, "广东省", "广州市", "粤", "A",
             (("天河区", "440106", "510630"), ("越秀区", "440104", "510030"), ("海珠区", "440105", "510220")),
             ("天河北路", "体育西路", "中山大道", "环市东路", "江南大道", "东风中路"),
             appliances=True),
    Locality("BJ-CY-NP", 0.16, "北京市", "北京市", "京", "ABCEFGHJKLMNP",
             (("朝阳区", "110105", "100020"), ("海淀区", "110108", "100080"), ("东城区", "110101", "100010")),
             ("朝阳北路", "建国路", "中关村大街", "东三环中路", "望京街", "学院路"),
             appliances=True),
]

ORGANISATIONS = {
    "SH-PD-4S": [("上海浦江出租汽车有限公司", "taxi"), ("上海浦东新区城市管理局", "company"),
                 ("上海安达物流有限公司", "fleet")],
    "HZ-XH-4S": [("杭州西湖旅游客运有限公司", "fleet"), ("浙江恒信保险公估有限公司", "insurance")],
    "GZ-TH-NP": [("广州天河华景酒店有限公司", "company")],
    "BJ-CY-NP": [("北京朝阳望京写字楼物业管理有限公司", "company")],
}
