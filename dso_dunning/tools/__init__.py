from . import planning
from . import sending
