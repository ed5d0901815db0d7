from . import controllers
from . import models
from . import tools
from . import wizards
from .hooks import post_init_hook, pre_init_hook
