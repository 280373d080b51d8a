"""World manufacturer identifiers (VIN positions 1–3) and the countries of ISO 3780.

Covers the makes commonly serviced in China: the domestic groups, the joint ventures, the new-energy
makers and the major imports. A three-character match wins over a two-character one; unknown codes
simply have no manufacturer (a VIN is still valid without one).
"""

from __future__ import annotations

# ISO 3780 orders the characters A–Z (without I, O, Q) then 1–9 and 0; country ranges follow that order.
ISO_ORDER = "ABCDEFGHJKLMNPRSTUVWXYZ1234567890"

MANUFACTURERS: dict[str, str] = {
    # China — FAW group and its joint ventures
    "LFV": "FAW-Volkswagen (一汽-大众)",
    "LFP": "FAW Car (一汽轿车)",
    "LFB": "FAW (一汽)",
    "LFW": "FAW Jiefang (一汽解放)",
    "LFM": "FAW Toyota (一汽丰田)",
    "LTV": "FAW Toyota Tianjin (天津一汽丰田)",
    # SAIC and its joint ventures
    "LSV": "SAIC Volkswagen (上汽大众)",
    "LSG": "SAIC-GM (上汽通用)",
    "LSJ": "SAIC Motor (上汽乘用车, MG/Roewe)",
    "LSK": "SAIC Maxus (上汽大通)",
    "LZW": "SAIC-GM-Wuling (上汽通用五菱)",
    # Dongfeng and its joint ventures
    "LGB": "Dongfeng Nissan (东风日产)",
    "LGA": "Dongfeng Motor (东风汽车)",
    "LGJ": "Dongfeng Fengshen (东风风神)",
    "LDC": "Dongfeng Peugeot Citroën (神龙汽车)",
    "LVH": "Dongfeng Honda (东风本田)",
    "LJD": "Dongfeng Yueda Kia (东风悦达起亚)",
    # GAC and its joint ventures
    "LMG": "GAC Motor (广汽传祺)",
    "LVG": "GAC Toyota (广汽丰田)",
    "LHG": "GAC Honda (广汽本田)",
    # Changan and its joint ventures
    "LS5": "Changan (长安汽车)",
    "LVS": "Changan Ford (长安福特)",
    "LVR": "Changan Mazda (长安马自达)",
    # Beijing
    "LBV": "BMW Brilliance (华晨宝马)",
    "LE4": "Beijing Benz (北京奔驰)",
    "LBE": "Beijing Hyundai (北京现代)",
    "LNB": "BAIC Motor (北京汽车)",
    "LSY": "Brilliance (华晨)",
    # Private groups and new-energy makers
    "LB3": "Geely (吉利汽车)",
    "L6T": "Geely (吉利汽车)",
    "LYV": "Volvo Cars China (沃尔沃亚太)",
    "LPS": "Polestar (极星)",
    "LGX": "BYD (比亚迪)",
    "LC0": "BYD (比亚迪)",
    "LVV": "Chery (奇瑞汽车)",
    "LGW": "Great Wall Motor (长城汽车)",
    "LJ1": "JAC / NIO (江淮 / 蔚来)",
    "LW4": "Li Auto (理想汽车)",
    "L1N": "XPeng (小鹏汽车)",
    "LRW": "Tesla Shanghai (特斯拉上海)",
    # United States, Canada, Mexico
    "1G1": "Chevrolet (GM)", "1G4": "Buick (GM)", "1G6": "Cadillac (GM)", "1GC": "Chevrolet truck (GM)",
    "1GT": "GMC (GM)", "1FA": "Ford", "1FM": "Ford", "1FT": "Ford truck", "1C3": "Chrysler", "1C4": "Jeep / Dodge",
    "1C6": "Ram", "1J4": "Jeep", "1HG": "Honda USA", "1N4": "Nissan USA", "1VW": "Volkswagen USA",
    "2HG": "Honda Canada", "2T1": "Toyota Canada", "2T3": "Toyota Canada", "3VW": "Volkswagen Mexico",
    "3FA": "Ford Mexico", "3N1": "Nissan Mexico", "4T1": "Toyota USA", "4T3": "Toyota USA", "4JG": "Mercedes-Benz USA",
    "4S3": "Subaru USA", "4US": "BMW USA", "5UX": "BMW USA", "5YJ": "Tesla (Fremont)", "5NP": "Hyundai USA",
    "5XY": "Kia USA", "5FN": "Honda USA", "5J6": "Honda USA", "7SA": "Tesla (Austin)",
    # Germany and the rest of Europe
    "WVW": "Volkswagen", "WV1": "Volkswagen Commercial", "WV2": "Volkswagen Commercial", "WAU": "Audi",
    "WUA": "Audi Sport", "WBA": "BMW", "WBS": "BMW M", "WBY": "BMW i", "WMW": "MINI", "WDB": "Mercedes-Benz",
    "WDD": "Mercedes-Benz", "WDC": "Mercedes-Benz", "W1K": "Mercedes-Benz", "W1N": "Mercedes-Benz",
    "WME": "smart", "WP0": "Porsche", "WP1": "Porsche", "WF0": "Ford Germany", "W0L": "Opel",
    "XP7": "Tesla (Berlin)", "VF1": "Renault", "VF3": "Peugeot", "VF7": "Citroën", "VSS": "SEAT",
    "TMB": "Škoda", "ZFA": "Fiat", "ZAR": "Alfa Romeo", "ZFF": "Ferrari", "ZHW": "Lamborghini", "ZAM": "Maserati",
    "SAL": "Land Rover", "SAJ": "Jaguar", "SCA": "Rolls-Royce", "SCB": "Bentley", "SCC": "Lotus",
    "YV1": "Volvo Cars", "YV4": "Volvo Cars", "YS3": "Saab",
    # Japan and Korea
    "JTD": "Toyota", "JTE": "Toyota", "JTN": "Toyota", "JTH": "Lexus", "JTJ": "Lexus", "JHM": "Honda",
    "JHL": "Honda", "JN1": "Nissan", "JN8": "Nissan", "JM1": "Mazda", "JM3": "Mazda", "JF1": "Subaru",
    "JF2": "Subaru", "JA3": "Mitsubishi", "JA4": "Mitsubishi", "JS2": "Suzuki", "JS3": "Suzuki",
    "KMH": "Hyundai", "KNA": "Kia", "KND": "Kia", "KNM": "Renault Korea", "KPT": "SsangYong", "KL1": "GM Korea",
}

# Two-character fall-backs for makes that use many third characters.
MANUFACTURER_PREFIXES: dict[str, str] = {
    "JT": "Toyota", "WD": "Mercedes-Benz", "1G": "General Motors", "1F": "Ford", "KM": "Hyundai",
    "KN": "Kia", "JH": "Honda", "JN": "Nissan",
}

# (first character, from second character, to second character, country) in ISO 3780 order.
COUNTRY_RANGES: list[tuple[str, str, str, str]] = [
    ("A", "A", "H", "South Africa"), ("A", "J", "N", "Côte d'Ivoire"),
    ("B", "A", "E", "Angola"), ("B", "F", "K", "Kenya"), ("B", "L", "R", "Tanzania"),
    ("C", "A", "E", "Benin"), ("C", "F", "K", "Madagascar"), ("C", "L", "R", "Tunisia"),
    ("D", "A", "E", "Egypt"), ("D", "F", "K", "Morocco"), ("D", "L", "R", "Zambia"),
    ("E", "A", "E", "Ethiopia"), ("E", "F", "K", "Mozambique"),
    ("F", "A", "E", "Ghana"), ("F", "F", "K", "Nigeria"),
    ("J", "A", "0", "Japan"),
    ("K", "A", "E", "Sri Lanka"), ("K", "F", "K", "Israel"), ("K", "L", "R", "South Korea"),
    ("K", "S", "0", "Kazakhstan"),
    ("L", "A", "0", "China"),
    ("M", "A", "E", "India"), ("M", "F", "K", "Indonesia"), ("M", "L", "R", "Thailand"), ("M", "S", "S", "Myanmar"),
    ("N", "A", "E", "Iran"), ("N", "F", "K", "Pakistan"), ("N", "L", "R", "Turkey"),
    ("P", "A", "E", "Philippines"), ("P", "F", "K", "Singapore"), ("P", "L", "R", "Malaysia"),
    ("R", "A", "E", "United Arab Emirates"), ("R", "F", "K", "Taiwan"), ("R", "L", "R", "Vietnam"),
    ("R", "S", "0", "Saudi Arabia"),
    ("S", "A", "M", "United Kingdom"), ("S", "N", "T", "Germany"), ("S", "U", "Z", "Poland"),
    ("S", "1", "4", "Latvia"),
    ("T", "A", "H", "Switzerland"), ("T", "J", "P", "Czech Republic"), ("T", "R", "V", "Hungary"),
    ("T", "W", "1", "Portugal"),
    ("U", "H", "M", "Denmark"), ("U", "N", "T", "Ireland"), ("U", "U", "Z", "Romania"), ("U", "5", "7", "Slovakia"),
    ("V", "A", "E", "Austria"), ("V", "F", "R", "France"), ("V", "S", "W", "Spain"), ("V", "X", "2", "Serbia"),
    ("V", "3", "5", "Croatia"), ("V", "6", "0", "Estonia"),
    ("W", "A", "0", "Germany"),
    ("X", "A", "E", "Bulgaria"), ("X", "F", "K", "Greece"), ("X", "L", "R", "Netherlands"),
    ("X", "S", "W", "Russia"), ("X", "X", "2", "Luxembourg"), ("X", "3", "0", "Russia"),
    ("Y", "A", "E", "Belgium"), ("Y", "F", "K", "Finland"), ("Y", "L", "R", "Malta"), ("Y", "S", "W", "Sweden"),
    ("Y", "X", "2", "Norway"), ("Y", "3", "5", "Belarus"), ("Y", "6", "0", "Ukraine"),
    ("Z", "A", "R", "Italy"), ("Z", "X", "2", "Slovenia"), ("Z", "3", "5", "Lithuania"),
    ("1", "A", "0", "United States"), ("4", "A", "0", "United States"), ("5", "A", "0", "United States"),
    ("2", "A", "0", "Canada"), ("3", "A", "W", "Mexico"), ("3", "X", "7", "Costa Rica"),
    ("3", "8", "0", "Cayman Islands"),
    ("6", "A", "W", "Australia"), ("7", "A", "E", "New Zealand"),
    ("8", "A", "E", "Argentina"), ("8", "F", "K", "Chile"), ("8", "L", "R", "Ecuador"), ("8", "S", "W", "Peru"),
    ("8", "X", "2", "Venezuela"),
    ("9", "A", "E", "Brazil"), ("9", "F", "K", "Colombia"), ("9", "L", "R", "Paraguay"), ("9", "S", "W", "Uruguay"),
    ("9", "X", "2", "Trinidad and Tobago"), ("9", "3", "9", "Brazil"),
]

REGIONS: list[tuple[str, str]] = [
    ("ABCDEFGH", "Africa"), ("JKLMNPR", "Asia"), ("STUVWXYZ", "Europe"), ("12345", "North America"),
    ("67", "Oceania"), ("890", "South America"),
]


def region_of(first: str) -> str:
    for chars, name in REGIONS:
        if first in chars:
            return name
    return ""


def country_of(wmi: str) -> str:
    first, second = wmi[0], wmi[1]
    if second not in ISO_ORDER:
        return ""
    pos = ISO_ORDER.index(second)
    for lead, low, high, name in COUNTRY_RANGES:
        if lead == first and ISO_ORDER.index(low) <= pos <= ISO_ORDER.index(high):
            return name
    return ""


def manufacturer_of(wmi: str) -> str:
    return MANUFACTURERS.get(wmi[:3]) or MANUFACTURER_PREFIXES.get(wmi[:2], "")
