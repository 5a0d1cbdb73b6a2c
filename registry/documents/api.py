"""REST: a vehicle's documents (/api/v1/vehicles/{id}/documents) and the review of its stage."""

from flask.views import MethodView

from registry.accounts.auth import EDITORS, FIRM_READERS, current_actor, require_role
from registry.accounts.models import Role
from registry.common.rest import Blueprint
from registry.common.schemas import ThumbnailArgsSchema
from registry.documents import services
from registry.documents.schemas import DocumentSchema, DocumentUploadSchema, StageReviewSchema
from registry.extensions import db
from registry.pictures.uploads import send_photo, stored_file
from registry.vehicles.schemas import VehicleSchema

blp = Blueprint("documents", __name__, url_prefix="/api/v1/vehicles", description="车辆证件 Vehicle documents")
WRITERS = (*EDITORS, Role.FIRM)  # a firm: for the trucks it registered (registry.documents.services)


@blp.route("/<int:vehicle_id>/documents")
class Documents(MethodView):
    @require_role(*FIRM_READERS)
    @blp.response(200, DocumentSchema(many=True))
    def get(self, vehicle_id):
        """Every document photo of the vehicle, oldest first (the latest of each kind is in force)."""
        return services.documents_of(services.vehicle_for(current_actor(), vehicle_id))

    @require_role(*WRITERS)
    @blp.arguments(DocumentUploadSchema, location="multipart")
    @blp.response(201, DocumentSchema)
    def post(self, upload, vehicle_id):
        """Upload a licence or environmental-list photo (multipart: `kind`, `file`): it awaits review."""
        actor = current_actor()
        document = services.add_document(
            actor, services.vehicle_for(actor, vehicle_id), upload["kind"], upload["file"].read()
        )
        db.session.commit()
        return document


@blp.route("/<int:vehicle_id>/documents/<int:document_id>/picture", methods=["GET"])
@require_role(*FIRM_READERS)
@blp.arguments(ThumbnailArgsSchema, location="query")
@blp.response(200, description="the photo (JPEG or PNG), or its thumbnail with ?thumbnail=true")
def picture(args, vehicle_id, document_id):
    """A stored document photo."""
    document = services.document_of(services.vehicle_for(current_actor(), vehicle_id), document_id)
    path, content_type = stored_file(document, args["thumbnail"])
    return send_photo(path, content_type, args["thumbnail"])


@blp.route("/<int:vehicle_id>/stage-review", methods=["POST"])
@require_role(*WRITERS)
@blp.arguments(StageReviewSchema)
@blp.response(200, VehicleSchema)
def stage_review(data, vehicle_id):
    """Verify the vehicle's stage against its documents, or say they do not match (audited)."""
    actor = current_actor()
    vehicle = services.review_stage(actor, services.vehicle_for(actor, vehicle_id), data)
    db.session.commit()
    return vehicle
