"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""

from registry.accounts.models import ApiToken, LoginFailure, User  # noqa: F401
from registry.alerts.models import Alert, Exemption  # noqa: F401
from registry.audit.models import AuditEntry  # noqa: F401
from registry.cases.models import Case  # noqa: F401
from registry.documents.models import VehicleDocument  # noqa: F401
from registry.emitters.models import HighEmitter  # noqa: F401
from registry.events.models import (  # noqa: F401
    DeadLetter,
    PassImage,
    PlateEvent,
    PlateRead,
    StoreFailure,
    Verdict,
    Violation,
)
from registry.firms.models import Firm  # noqa: F401
from registry.gates.models import Gate  # noqa: F401
from registry.inplant.models import PlantVehicle  # noqa: F401
from registry.inspections.models import FirmInspection, InspectionItem, InspectionPhoto  # noqa: F401
from registry.ledger.models import LedgerSeal  # noqa: F401
from registry.machinery.models import (  # noqa: F401
    Inspection,
    Machinery,
    MachineryHistory,
    MachineryPhoto,
    RegistrationCounter,
    SmokeLimit,
    ZoneRule,
)
from registry.obd.models import ObdAlarm, ObdDay, ObdFrame, ObdTerminal  # noqa: F401
from registry.policies.models import Policy  # noqa: F401
from registry.registrations.models import VehicleRegistration  # noqa: F401
from registry.reports.models import ReportedRecord, ReportingSource  # noqa: F401
from registry.sensing.models import SensingMapping, SensingResult  # noqa: F401
from registry.sites.models import ConstructionUnit, Site, SiteDeclaration  # noqa: F401
from registry.smoke.models import SmokeCapture  # noqa: F401
from registry.stations.models import RoadsideStation  # noqa: F401
from registry.statistics.models import DailyPasses, DailyViolations  # noqa: F401
from registry.uplink.models import UplinkRecord, UplinkTarget  # noqa: F401
from registry.vehicles.models import Vehicle  # noqa: F401
from registry.weighbridge.models import WeighTicket  # noqa: F401
from registry.zones.models import RestrictionZone, ZonePermit, zone_checkpoints  # noqa: F401
