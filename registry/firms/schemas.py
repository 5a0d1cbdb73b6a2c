"""Firm (企业) JSON: field names are public API."""

import marshmallow as ma

from registry.common.schemas import (
    StrictSchema,
    Text,
    at_least,
    enum_field,
    optional_text,
    required_text,
)
from registry.firms.models import Industry, PerformanceGrade
from registry.identifiers.credit_code import has_valid_check, is_well_formed, normalise_credit_code


class CreditCodeField(Text):
    """统一社会信用代码: must have the GB 32100 shape; a wrong check character only warns."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = normalise_credit_code(super()._deserialize(value, attr, data, **kwargs))
        if not is_well_formed(code):
            raise ma.ValidationError(
                "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）"
                " / A credit code is 18 digits or capitals (no I, O, S, V or Z)."
            )
        return code


class FirmSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    credit_code = ma.fields.String(allow_none=True)
    industry = ma.fields.Enum(Industry, by_value=True)
    annual_freight_tonnes = ma.fields.Integer()
    in_planning_area = ma.fields.Boolean()
    performance_grade = ma.fields.Enum(PerformanceGrade, by_value=True)
    region = ma.fields.String(allow_none=True)
    warnings = ma.fields.Method("credit_code_warnings")
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()

    def credit_code_warnings(self, firm) -> list[str]:
        if firm.credit_code and not has_valid_check(firm.credit_code):
            return [
                "统一社会信用代码校验位不符，请核实（部分早期试点代码属正常情况）"
                " / credit_code: check character does not match; please verify"
                " (legal for some early pilot codes)."
            ]
        return []


class FirmInputSchema(StrictSchema):
    name = required_text(200)
    credit_code = CreditCodeField(allow_none=True)
    industry = enum_field(Industry, required=True)
    annual_freight_tonnes = ma.fields.Integer(load_default=0, strict=True, validate=at_least(0, 10**12))
    in_planning_area = ma.fields.Boolean(load_default=False)
    performance_grade = enum_field(PerformanceGrade, load_default=PerformanceGrade.UNRATED)
    region = optional_text(64)


class FirmQueryArgsSchema(ma.Schema):
    q = Text(metadata={"description": "part of the firm's name"})
    credit_code = Text()
    industry = ma.fields.Enum(Industry, by_value=True)
    performance_grade = ma.fields.Enum(PerformanceGrade, by_value=True)
    region = Text()
    in_planning_area = ma.fields.Boolean()


class FirmUpdateSchema(FirmInputSchema):
    """PATCH body: any subset of the input fields (used with partial=True)."""
