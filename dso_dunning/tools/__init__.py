from . import planning
from . import sending
from . import agenda
