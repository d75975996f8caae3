"""The coaching service's public functions (other capabilities call these)."""

from openmsk.coaching.service_goals import (  # noqa: F401
    checkin_days, create_goal, goals_progress, record_checkin, set_goal_status,
)
from openmsk.coaching.service_logs import (  # noqa: F401
    device_sessions, diet_logs, import_device_export, record_device_session, record_diet, record_weight,
    weights_with_bmi,
)
from openmsk.coaching.service_meds import (  # noqa: F401
    add_medication, change_medication, daily_mme_by_week, medications,
)
from openmsk.coaching.service_notes import (  # noqa: F401
    add_note, mark_messages_read, notes, unread_thread_messages,
)
from openmsk.coaching.service_prefs import get_preferences, set_preferences  # noqa: F401
