"""Official administrative units after the July 2025 reform (34 provinces,
communes and wards), from the vietnam-provinces package, for declaring which
units must report."""

from __future__ import annotations

from model.text import clean_line


def provinces() -> list[str]:
    from vietnam_provinces import Province

    return sorted((clean_line(p.name) for p in Province.iter_all()), key=_sort_key)


def communes_of(province: str) -> list[str]:
    """'Đắk Lắk' -> ['Phường Buôn Ma Thuột', 'Xã Hòa Phú', …] (names as printed)."""
    from vietnam_provinces import Province, Ward

    wanted = _bare(province)
    match = [p for p in Province.iter_all() if _bare(p.name) == wanted]
    if not match:
        return []
    code = match[0].code
    return sorted((clean_line(w.name) for w in Ward.iter_all() if w.province_code == code), key=_sort_key)


def _bare(name: str) -> str:
    name = clean_line(name).lower()
    for prefix in ("tỉnh ", "thành phố "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


def _sort_key(name: str):
    import unicodedata

    return unicodedata.normalize("NFD", name.lower())
