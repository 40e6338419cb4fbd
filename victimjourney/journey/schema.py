"""The published JSON Schema of the journey event feed, generated from the catalogue."""

from __future__ import annotations

from typing import Any

from victimjourney.journey.catalogue import EVENT_TYPES, SCHEMA_VERSION, STAGES, Field

SCHEMA_ID = f"https://victimjourney.example/schema/event-feed/{SCHEMA_VERSION}.json"
_INSTANT = {"type": "string", "format": "date-time",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"}
_ORG = {"type": "string", "pattern": r"^(cica|victim|(police|cps|wcu|court|probation|yot|prison)"
                                     r":[a-z0-9]+(-[a-z0-9]+)*)$"}


def _field_schema(spec: Field) -> dict[str, Any]:
    out: dict[str, Any]
    if spec.kind in ("str", "victim_ref", "event_ref"):
        out = {"type": "string", "minLength": 1}
    elif spec.kind == "org_ref":
        out = dict(_ORG)
    elif spec.kind == "bool":
        out = {"type": "boolean"}
    elif spec.kind == "int":
        out = {"type": "integer", "minimum": 0}
    elif spec.kind == "date":
        out = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif spec.kind == "datetime":
        out = dict(_INSTANT)
    elif spec.kind == "enum":
        out = {"enum": list(spec.choices)}
    elif spec.kind == "list":
        items: dict[str, Any] = ({"enum": list(spec.choices)} if spec.items == "enum"
                                 else {"type": "string"})
        out = {"type": "array", "items": items}
    else:
        out = {"type": "object"}
    if spec.doc:
        out["description"] = spec.doc
    return out


def feed_schema() -> dict[str, Any]:
    variants = []
    for name, etype in EVENT_TYPES.items():
        data = {
            "type": "object",
            "properties": {f: _field_schema(s) for f, s in etype.fields.items()},
            "required": [f for f, s in etype.fields.items() if s.required],
        }
        props: dict[str, Any] = {"type": {"const": name}, "data": data}
        required = ["data"] if data["required"] else []
        if etype.victim_specific:
            required.append("victim")
        variants.append({
            "title": name,
            "description": f"{etype.doc} Stage: {STAGES[etype.stage]}."
                           + (" Added by Victim Journey." if etype.added else ""),
            "properties": props,
            "required": required,
        })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Victim Journey event feed: one journey event (one line of JSON Lines)",
        "version": SCHEMA_VERSION,
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "type", "case", "provider", "occurred_at"],
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": 200,
                   "description": "unique; re-sending the same event is a no-op"},
            "type": {"enum": list(EVENT_TYPES)},
            "case": {"type": "string", "minLength": 1, "maxLength": 100,
                     "description": "the case reference (crime reference number)"},
            "provider": _ORG,
            "occurred_at": _INSTANT,
            "received_at": {**_INSTANT, "description": "when the provider that owes the next "
                                                       "duty learned of it; default occurred_at"},
            "victim": {"type": "string", "minLength": 1, "maxLength": 100},
            "data": {"type": "object"},
        },
        "oneOf": variants,
    }
