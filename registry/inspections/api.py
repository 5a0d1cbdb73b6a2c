"""REST: sampled inspections of a firm (/api/v1/firms/{firm_id}/inspections, /api/v1/inspections/{id})."""

from flask.views import MethodView
from sqlalchemy import select

from registry.accounts.auth import EDITORS, current_actor, own_firm_id, require_role
from registry.accounts.models import Role
from registry.common.errors import NotFound
from registry.common.i18n import t
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.extensions import db
from registry.firms.services import get_firm
from registry.inspections import services
from registry.inspections.models import FirmInspection
from registry.inspections.schemas import (
    FirmInspectionInputSchema,
    FirmInspectionSchema,
    FirmInspectionSummarySchema,
    InspectionCloseSchema,
    InspectionItemInputSchema,
    InspectionItemSchema,
    InspectionPhotoUploadSchema,
)
from registry.pictures.uploads import send_photo, stored_file

blp = Blueprint("inspections", __name__, url_prefix="/api/v1", description="抽查核验 Sampled inspections of firms")
READERS = (*EDITORS, Role.FIRM)  # a firm: its own inspections


@blp.route("/firms/<int:firm_id>/inspections")
class FirmInspections(MethodView):
    @require_role(*READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_envelope(FirmInspectionSummarySchema, "FirmInspectionPage"))
    def get(self, args, firm_id):
        """The firm's inspections, newest first."""
        own = own_firm_id(current_actor())
        if own is not None and own != firm_id:
            raise NotFound(t("没有该企业", "No such firm"))
        query = select(FirmInspection).where(FirmInspection.firm_id == get_firm(firm_id).id)
        return page_of(query.order_by(FirmInspection.id.desc()), args)

    @require_role(*EDITORS)
    @blp.arguments(FirmInspectionInputSchema)
    @blp.response(201, FirmInspectionSchema)
    def post(self, data, firm_id):
        """Start an inspection of the firm's ledger for a period: its sample is drawn at once (seed drawn, kept)."""
        inspection = services.open_inspection(current_actor(), get_firm(firm_id), data)
        db.session.commit()
        return inspection


@blp.route("/inspections/<int:inspection_id>", methods=["GET"])
@require_role(*READERS)
@blp.response(200, FirmInspectionSchema)
def inspection(inspection_id):
    """An inspection with its sampled rows and what was found."""
    return services.visible_inspection(current_actor(), inspection_id)


@blp.route("/inspections/<int:inspection_id>/items/<int:item_id>", methods=["PATCH"])
@require_role(*EDITORS)
@blp.arguments(InspectionItemInputSchema)
@blp.response(200, InspectionItemSchema)
def check_item(data, inspection_id, item_id):
    """Record whether a sampled row is complete and its stage matches the documents seen (audited)."""
    item = services.get_item(services.get_inspection(inspection_id), item_id)
    services.record_item(current_actor(), item, data)
    db.session.commit()
    return item


@blp.route("/inspections/<int:inspection_id>/items/<int:item_id>/photos", methods=["POST"])
@require_role(*EDITORS)
@blp.arguments(InspectionPhotoUploadSchema, location="multipart")
@blp.response(201, InspectionItemSchema)
def add_photo(upload, inspection_id, item_id):
    """A photo of the document seen for a sampled row (JPEG or PNG)."""
    item = services.get_item(services.get_inspection(inspection_id), item_id)
    services.add_photo(current_actor(), item, upload["file"].read())
    db.session.commit()
    return item


@blp.route("/inspections/<int:inspection_id>/photos/<int:photo_id>", methods=["GET"])
@require_role(*READERS)
@blp.response(200, description="the photo")
def photo(inspection_id, photo_id):
    """A photo of a document seen during the inspection."""
    inspection = services.visible_inspection(current_actor(), inspection_id)
    path, content_type = stored_file(services.photo_of(inspection, photo_id))
    return send_photo(path, content_type)


@blp.route("/inspections/<int:inspection_id>/close", methods=["POST"])
@require_role(*EDITORS)
@blp.arguments(InspectionCloseSchema)
@blp.response(200, FirmInspectionSchema)
def close(data, inspection_id):
    """Close with a result once every sampled row is checked; findings become cases for the firm."""
    inspection = services.close_inspection(
        current_actor(), services.get_inspection(inspection_id), data["result"], data["conclusion"]
    )
    db.session.commit()
    return inspection
