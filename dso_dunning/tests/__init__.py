from . import test_app_tour
from . import test_demo
from . import test_i18n
from . import test_security
