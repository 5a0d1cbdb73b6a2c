"""Video gates (视频门禁) at firms' entrances, and road checkpoints (卡口) that belong to the bureau or the
police rather than a firm; each authenticates with its own secret, and both take the same camera formats
through the same pipeline (registry.ingest)."""

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.common.models import Timestamps, UTCDateTime
from registry.extensions import db
from registry.firms.models import Firm


class Gate(Timestamps, db.Model):
    __tablename__ = "gates"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)  # None: a checkpoint
    kind: Mapped[str] = mapped_column(String(12), default="gate", server_default="gate")  # gate, checkpoint
    operator: Mapped[str | None] = mapped_column(String(8))  # a checkpoint's: bureau, police
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The same secret in Mosquitto's password-file format (PBKDF2-SHA512), for the broker's ACL.
    mqtt_password_hash: Mapped[str | None] = mapped_column(String(255))
    # Serial number of a camera that talks the AlarmInfoPlate MQTT protocol (device/{sn}/...).
    device_sn: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The last heartbeat (keep-alive) of its camera, or the last pass, whichever came later.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by ingest with each batch (the gate's row is locked for it anyway), so that the dashboard
    # reads a gate's liveness here rather than probing every month of its passes: when its last pass
    # arrived, and that pass's own camera time when the camera's clock was wrong (None when right).
    last_pass_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_camera_time: Mapped[str | None] = mapped_column(String(40))
    # Where the gate is (WGS-84 degrees), entered once: the cloned-plate check (CLONED_PLATE) needs the
    # distance between two gates that read the same plate.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    firm: Mapped[Firm | None] = relationship(back_populates="gates")

    @property
    def is_checkpoint(self) -> bool:
        return self.kind == "checkpoint"
