"""REST: /api/v1/machinery — registration, photos, review, transfer, retirement, verification, inspections."""

from flask.views import MethodView

from registry.accounts.auth import current_actor, require_role
from registry.accounts.models import Role
from registry.common.pagination import PageArgsSchema, page_envelope, page_of
from registry.common.rest import Blueprint
from registry.common.schemas import ThumbnailArgsSchema
from registry.extensions import db
from registry.machinery import exports, inspections, photos, services
from registry.machinery.models import PhotoKind
from registry.machinery.schemas import (
    HistorySchema,
    InspectionInputSchema,
    InspectionSchema,
    MachineryInputSchema,
    MachineryQueryArgsSchema,
    MachinerySchema,
    MachineryUpdateSchema,
    NoBodySchema,
    PhotoSchema,
    PhotoUploadSchema,
    RejectSchema,
    RetireSchema,
    TransferSchema,
    VerificationSchema,
)
from registry.machinery.verification import verify
from registry.pictures.uploads import send_photo

blp = Blueprint("machinery", __name__, url_prefix="/api/v1", description="非道路移动机械 Non-road machinery")

OWNERS = (*services.BUREAU, Role.CONSTRUCTION, Role.FIRM)  # a firm: its in-plant machinery (ledger table 5)
VIEWERS = (*services.READERS, Role.CONSTRUCTION, Role.FIRM)


class MachineryListArgs(MachineryQueryArgsSchema, PageArgsSchema):
    pass


class InspectionListArgs(PageArgsSchema):
    pass


@blp.route("/machinery")
class MachineryList(MethodView):
    @require_role(*VIEWERS)
    @blp.arguments(MachineryListArgs, location="query")
    @blp.response(200, page_envelope(MachinerySchema, "MachineryPage"))
    def get(self, args):
        """List machinery: a construction unit sees its own, the bureau all (status=pending is the review queue)."""
        return page_of(services.machinery_query(current_actor(), args), args)

    @require_role(*OWNERS)
    @blp.arguments(MachineryInputSchema)
    @blp.response(201, MachinerySchema)
    def post(self, data):
        """Register a machine; it waits for review as `pending`."""
        machinery = services.register_machinery(current_actor(), data)
        db.session.commit()
        return machinery


@blp.route("/machinery/<int:machinery_id>")
class MachineryById(MethodView):
    @require_role(*VIEWERS)
    @blp.response(200, MachinerySchema)
    def get(self, machinery_id):
        """One registration."""
        return services.get_machinery_for(current_actor(), machinery_id)

    @require_role(*OWNERS)
    @blp.arguments(MachineryUpdateSchema(partial=True))
    @blp.response(200, MachinerySchema)
    def patch(self, data, machinery_id):
        """Correct a registration; a rejected one goes back to the review queue."""
        actor = current_actor()
        machinery = services.update_machinery(actor, services.get_machinery_for(actor, machinery_id), data)
        db.session.commit()
        return machinery


@blp.route("/machinery/<int:machinery_id>/photos", methods=["POST"])
@require_role(*OWNERS)
@blp.arguments(PhotoUploadSchema, location="multipart")
@blp.response(201, PhotoSchema)
def upload_photo(upload, machinery_id):
    """Upload the nameplate, engine-nameplate or label photo (multipart: `kind`, `file`)."""
    actor = current_actor()
    machinery = services.get_machinery_for(actor, machinery_id)
    photo = photos.add_photo(actor, machinery, upload["kind"], upload["file"].read())
    db.session.commit()
    return photo


@blp.route("/machinery/<int:machinery_id>/photos/<any(nameplate, engine_nameplate, label):kind>", methods=["GET"])
@require_role(*VIEWERS)
@blp.arguments(ThumbnailArgsSchema, location="query")
@blp.response(200, description="the picture (JPEG or PNG)")
def download_photo(args, machinery_id, kind):
    """A stored photo, or its thumbnail with `?thumbnail=true`."""
    machinery = services.get_machinery_for(current_actor(), machinery_id)
    path, content_type = photos.photo_file(machinery, PhotoKind(kind).value, args["thumbnail"])
    return send_photo(path, content_type, args["thumbnail"])


@blp.route("/machinery/<int:machinery_id>/approve", methods=["POST"])
@require_role(*services.BUREAU)
@blp.arguments(NoBodySchema)
@blp.response(200, MachinerySchema)
def approve(_data, machinery_id):
    """Approve: issues the registration code (all three photos required)."""
    actor = current_actor()
    machinery = services.approve_machinery(actor, services.get_machinery_for(actor, machinery_id))
    db.session.commit()
    return machinery


@blp.route("/machinery/<int:machinery_id>/reject", methods=["POST"])
@require_role(*services.BUREAU)
@blp.arguments(RejectSchema)
@blp.response(200, MachinerySchema)
def reject(data, machinery_id):
    """Reject with a reason shown to the unit."""
    actor = current_actor()
    machinery = services.reject_machinery(actor, services.get_machinery_for(actor, machinery_id), data["reason"])
    db.session.commit()
    return machinery


@blp.route("/machinery/<int:machinery_id>/transfer", methods=["POST"])
@require_role(*services.BUREAU)
@blp.arguments(TransferSchema)
@blp.response(200, MachinerySchema)
def transfer(data, machinery_id):
    """Transfer to another construction unit; the code and the history stay with the machine."""
    actor = current_actor()
    machinery = services.get_machinery_for(actor, machinery_id)
    services.transfer_machinery(actor, machinery, data["unit_id"], data.get("note"))
    db.session.commit()
    return machinery


@blp.route("/machinery/<int:machinery_id>/retire", methods=["POST"])
@require_role(*OWNERS)
@blp.arguments(RetireSchema)
@blp.response(200, MachinerySchema)
def retire(data, machinery_id):
    """Retire the machine (the unit or the bureau); its code is never issued again."""
    actor = current_actor()
    machinery = services.retire_machinery(actor, services.get_machinery_for(actor, machinery_id), data["reason"])
    db.session.commit()
    return machinery


@blp.route("/machinery/<int:machinery_id>/history", methods=["GET"])
@require_role(*VIEWERS)
@blp.response(200, HistorySchema(many=True))
def history(machinery_id):
    """What happened to the registration, oldest first."""
    return services.get_machinery_for(current_actor(), machinery_id).history


@blp.route("/machinery/verify/<typed:registration_code>", methods=["GET"])
@blp.response(200, VerificationSchema)
@blp.alt_response(404, schema=VerificationSchema, description="unknown code: `valid` is false")
@blp.doc(security=[])
def verify_code(registration_code):
    """Public verification of a registration code (no login, no personal contact data)."""
    answer = verify(registration_code)
    return answer, 200 if answer["status"] else 404


@blp.route("/machinery/<registration_code>/inspections")
class Inspections(MethodView):
    @require_role(*services.BUREAU)
    @blp.arguments(InspectionInputSchema)
    @blp.response(201, InspectionSchema)
    def post(self, data, registration_code):
        """Record a smoke inspection; the result is computed against the limit table (returned with it)."""
        inspection = inspections.record_inspection(current_actor(), services.get_by_code(registration_code), data)
        db.session.commit()
        return inspection

    @require_role(*VIEWERS)
    @blp.arguments(InspectionListArgs, location="query")
    @blp.response(200, page_envelope(InspectionSchema, "InspectionPage"))
    def get(self, args, registration_code):
        """A machine's inspections, newest first."""
        machinery = services.get_by_code(registration_code)
        services.get_machinery_for(current_actor(), machinery.id)
        return page_of(inspections.inspections_query(machinery), args)


@blp.route("/machinery.<any(csv, xlsx):fmt>", methods=["GET"])
@require_role(*services.BUREAU)
@blp.arguments(MachineryQueryArgsSchema, location="query")
@blp.response(200, description="the filtered list as CSV (UTF-8) or XLSX")
def export(args, fmt):
    """Export the filtered machinery list for the bureau."""
    return exports.machinery_export(services.machinery_query(current_actor(), args), fmt)
