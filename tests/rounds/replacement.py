"""A framework issued in place of the demo's within 2027 (as Sơn La did in 2025), built from the
demo's own workbook data with a few real kinds of change:

- 1.1.3 (ratio) drops from 2 to 1 point, 1.1.2 (judgement) rises from 1 to 2;
- 1.3.1 changes method: yes/no becomes judgement;
- 1.7 is dropped, 1.6 rises from 1 to 2 points;
- 2.4 (yes/no, one point) is split into 2.4.1 (yes/no) and 2.4.2 (judgement), half a point each;
- the classification bands are renamed (Loại A, B, C).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from scoring import services
from scoring.models import Framework

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "framework_sample.json"
NAME = "Bộ chỉ số CCHC cấp xã 2027 (thay thế, thử)"


def _node(items: list[dict], code: str) -> dict:
    for item in items:
        if item["code"] == code:
            return item
        found = _node(item.get("children") or [], code) if item.get("children") else None
        if found:
            return found
    return {}


def replacement_data(**overrides) -> dict:
    data = copy.deepcopy(json.loads(SAMPLE.read_text(encoding="utf-8")))
    data.update(name=NAME, decision="Quyết định thay thế (thử)", year_from=2027)
    tree = data["criteria"]
    _node(tree, "1.1.3")["maximum"] = "1.00"
    _node(tree, "1.1.2")["maximum"] = "2.00"
    _node(tree, "1.3.1")["method"] = "judgement"
    field_1 = _node(tree, "1")
    field_1["children"] = [c for c in field_1["children"] if c["code"] != "1.7"]
    _node(tree, "1.6")["maximum"] = "2.00"
    split = _node(tree, "2.4")
    split.pop("method")
    split["children"] = [
        {"code": "2.4.1", "title": "Ban hành kế hoạch", "maximum": "0.50", "method": "yes_no"},
        {
            "code": "2.4.2",
            "title": "Chất lượng thực hiện",
            "maximum": "0.50",
            "method": "judgement",
        },
    ]
    data["bands"] = [
        {"label": "Loại A", "lower_bound": "90"},
        {"label": "Loại B", "lower_bound": "70"},
        {"label": "Loại C", "lower_bound": "0"},
    ]
    data.update(overrides)
    return data


def make_replacement(**overrides) -> Framework:
    return services.framework_create(data=replacement_data(**overrides))
