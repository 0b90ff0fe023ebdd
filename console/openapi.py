"""The OpenAPI 3.1 document of the partner API, served at /api/openapi.json.

Built as data next to the handlers (`console.api.ROUTES`); a test checks that every API route is
documented and every documented path is routed, so the two cannot drift.
"""

from __future__ import annotations

from typing import Any

__all__ = ["openapi_document"]

_PAGE = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
         {"name": "cursor", "in": "query", "schema": {"type": "string"},
          "description": "Opaque; the previous page's next_cursor."}]
_ERRORS = {"401": {"$ref": "#/components/responses/Unauthorized"},
           "403": {"$ref": "#/components/responses/Forbidden"}}


def _list(item: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items", "next_cursor"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
                           "next_cursor": {"type": ["string", "null"]}}}


def _ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "OK", "content": {"application/json": {"schema": schema}}}, **_ERRORS}


def _path_param(name: str, doc: str, enum: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = enum
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": doc}


_NOT_FOUND = {"404": {"$ref": "#/components/responses/NotFound"}}
_ACTION = {"type": "object", "properties": {"action_id": {"type": "string"}, "kind": {"type": "string"},
                                            "at": {"type": "string", "format": "date-time"}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document() -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Any"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sanpalang partner API", "version": "1.0.0",
                 "description": "Cases, alerts, persons for review and referrals of the counter-trafficking hub, "
                                "scoped to the caller's provinces (provincial operators) or agency (liaisons). "
                                "Anything outside the caller's scope answers 404, like an unknown id. Every case "
                                "read and alert action is written to a hash-chained audit log."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/me": {"get": {"summary": "The caller: role, provinces, agency, permissions",
                                "responses": _ok(ref)}},
            "/api/cases": {"get": {"summary": "Cases in the caller's provinces, most recently updated first",
                                   "parameters": [*_PAGE, *({"name": n, "in": "query", "schema": {"type": "string"}}
                                                            for n in ("province", "stage", "agency", "number")),
                                                  *({"name": n, "in": "query", "schema": {"type": "string", "format": "date"}}
                                                    for n in ("since", "until"))],
                                   "responses": {**_ok(_list("CaseSummary")), "400": {"description": "Bad parameter"}}}},
            "/api/cases/{case_id}": {"get": {"summary": "One case: timeline, persons (pseudonymised), organisations, "
                                                        "deadlines, alerts, possible links (audited read)",
                                             "parameters": [_path_param("case_id", "Hub case id")],
                                             "responses": {**_ok({"$ref": "#/components/schemas/Case"}), **_NOT_FOUND}}},
            "/api/cases/{case_id}/desk/{verb}": {"post": {
                "summary": "A PSDHS team lead of the case's lead province assigns its owner, records a trafficking-status "
                           "decision or closes it (published to operator.actions.v1, audited)",
                "parameters": [_path_param("case_id", "Hub case id"),
                               _path_param("verb", "What to do", ["assign", "decide", "close"])],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "owner": {"type": "string", "description": "assign: user name of a PSDHS officer of the lead province"},
                        "person_id": {"type": "string", "description": "decide: hub person id of a person of the case"},
                        "trafficking_status": {"type": "string", "enum": ["PossibleVictimOfTrafficking",
                                                                          "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"]},
                        "basis": {"type": "string", "description": "decide: NonPoliceGovernmentalOrganization (MDT "
                                                                   "screening), CourtOrProsecution, Police, NGO, Other"},
                        "note": {"type": "string", "maxLength": 2000}}}}}},
                "responses": {**_ok(_ACTION, "202"), **_NOT_FOUND, "400": {"description": "A value that does not fit"},
                              "409": {"description": "The case is closed"},
                              "503": {"description": "The bus is unavailable; nothing was recorded"}}}},
            "/api/alerts": {"get": {"summary": "Open alerts, most severe first, then nearest deadline",
                                    "parameters": _PAGE, "responses": _ok(_list("Alert"))}},
            "/api/alerts/{alert_id}": {"get": {"summary": "One alert", "parameters": [_path_param("alert_id", "Alert id")],
                                               "responses": {**_ok({"$ref": "#/components/schemas/Alert"}), **_NOT_FOUND}}},
            "/api/alerts/{alert_id}/{verb}": {"post": {
                "summary": "Acknowledge, resolve or escalate an alert (published to operator.actions.v1)",
                "parameters": [_path_param("alert_id", "Alert id"),
                               _path_param("verb", "What to do", ["acknowledge", "resolve", "escalate"])],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"note": {"type": "string", "maxLength": 2000}}}}}},
                "responses": {**_ok(_ACTION, "202"), **_NOT_FOUND, "409": {"description": "Alert already resolved"},
                              "503": {"description": "The bus is unavailable; nothing was recorded"}}}},
            "/api/persons-for-review": {"get": {"summary": "Possible person links awaiting an operator's decision",
                                                "parameters": _PAGE, "responses": _ok(_list("PossibleLink"))}},
            "/api/persons-for-review/{source_key}/{verb}": {"post": {
                "summary": "Confirm or reject a possible link (fed back to the matcher)",
                "parameters": [_path_param("source_key", "agency:event_id:person_ref"),
                               _path_param("verb", "Decision", ["confirm", "reject"])],
                "responses": {**_ok(_ACTION, "202"), **_NOT_FOUND, "503": {"description": "The bus is unavailable"}}}},
            "/api/referrals": {"get": {"summary": "Referrals: a liaison's agency's, or in the operator's provinces",
                                       "parameters": _PAGE, "responses": _ok(_list("Referral"))}},
            "/api/audit": {"get": {"summary": "Audit log, newest first (auditors)",
                                   "parameters": [*_PAGE, {"name": "actor", "in": "query", "schema": {"type": "string"}},
                                                  {"name": "target", "in": "query", "schema": {"type": "string"}}],
                                   "responses": _ok(_list("AuditEntry"))}},
            "/api/audit/verify": {"get": {"summary": "Verify the audit hash chain (auditors)", "responses": _ok(ref)}},
            "/api/openapi.json": {"get": {"summary": "This document", "security": [],
                                          "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "API token from `sanpalang users token NAME`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "spl_session",
                            "description": "Console session; POST also needs the X-CSRF-Token header"},
            },
            "responses": {
                "Unauthorized": _error("No valid session or token"),
                "Forbidden": _error("The caller's role may not use this endpoint, or a session call lacks its CSRF token"),
                "NotFound": _error("Unknown, or outside the caller's scope"),
            },
            "schemas": {
                "Any": {"type": "object"},
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "CaseSummary": {"type": "object", "properties": {
                    "case_id": {"type": "string"}, "case_number": {"type": ["string", "null"]},
                    "lead_province": {"type": "string"},
                    "provinces": {"type": "array", "items": {"type": "string"}}, "stage": {"type": "string"},
                    "status": {"type": "string"}, "merged_into": {"type": ["string", "null"]},
                    "opened_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}}},
                "Case": {"type": "object", "description": "The sanpalang.hub.CaseView record, plus alerts and possible_links"},
                "Alert": {"type": "object", "description": "The sanpalang.hub.Alert record, plus acknowledged (bool) and the operator's acknowledgement columns"},
                "PossibleLink": {"type": "object", "properties": {
                    "source_key": {"type": "string"}, "person_id": {"type": "string"}, "agency": {"type": "string"},
                    "weight": {"type": "number"}, "decided_at": {"type": "string", "format": "date-time"},
                    "case_ids": {"type": "array", "items": {"type": "string"}}}},
                "Referral": {"type": "object", "description": "The sanpalang.hub.Referral record"},
                "AuditEntry": {"type": "object", "properties": {
                    "seq": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
                    "actor": {"type": "string"}, "role": {"type": "string"}, "action": {"type": "string"},
                    "target": {"type": "string"}, "province": {"type": ["string", "null"]}, "detail": {"type": "object"},
                    "prev_digest": {"type": "string"}, "digest": {"type": "string"}}},
            },
        },
    }
