from . import test_app_tour
from . import test_demo
from . import test_i18n
from . import test_security
from . import test_planning
from . import test_planning_rules
from . import test_scenario
