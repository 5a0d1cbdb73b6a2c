"""Document JSON: field names are public API."""

import marshmallow as ma
from flask_smorest.fields import Upload

from registry.common.schemas import Day, StrictSchema, Text, enum_field, optional_text
from registry.documents.models import DocumentKind, DocumentStatus
from registry.labels import labelled
from registry.vehicles.models import EmissionStage, FuelType
from registry.vehicles.schemas import VinField


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer()
    vehicle_id = ma.fields.Integer(allow_none=True)
    kind = ma.fields.Enum(DocumentKind, by_value=True)
    kind_label = labelled("document_kind", lambda d: d.kind)
    status = ma.fields.Enum(DocumentStatus, by_value=True)
    status_label = labelled("document_status", lambda d: d.status)
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    uploaded_at = ma.fields.AwareDateTime()
    reviewed_at = ma.fields.AwareDateTime(allow_none=True)
    review_note = ma.fields.String(allow_none=True)
    url = ma.fields.Method("picture_url")
    thumbnail_url = ma.fields.Method("thumbnail")

    def picture_url(self, document) -> str | None:
        if document.vehicle_id is None:
            return None  # a registration's documents are shown on the review page
        return f"/api/v1/vehicles/{document.vehicle_id}/documents/{document.id}/picture"

    def thumbnail(self, document) -> str | None:
        url = self.picture_url(document)
        return url and url + "?thumbnail=true"


class DocumentUploadSchema(ma.Schema):
    """One multipart/form-data body: which document it is, and its photo."""

    kind = enum_field(DocumentKind, required=True)
    file = Upload(required=True, metadata={"description": "JPEG or PNG"})


class StageReviewSchema(StrictSchema):
    """What the reviewer read on the documents. `verified`: the vehicle takes these values and its stage
    is marked verified; `rejected`: the documents do not match (say why in `note`)."""

    decision = Text(required=True, validate=ma.validate.OneOf(["verified", "rejected"]))
    vin = VinField()
    engine_no = optional_text(32)
    registration_date = Day()
    emission_stage = enum_field(EmissionStage)
    fuel_type = enum_field(FuelType)
    note = optional_text(500, multiline=True)

    @ma.validates_schema
    def _complete(self, data, **_kwargs):
        if data["decision"] == "verified":
            missing = [k for k in ("vin", "registration_date", "emission_stage") if not data.get(k)]
            if missing:
                raise ma.ValidationError({k: ["核实时必填 / required to verify"] for k in missing})
        elif not data.get("note"):
            raise ma.ValidationError({"note": ["请说明不符之处 / say what does not match"]})
