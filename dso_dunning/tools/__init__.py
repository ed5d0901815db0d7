from . import planning
from . import sending
from . import alert_domain
from . import alert_sql
from . import credit_insurance
from . import agenda
from . import schema
from . import pause
