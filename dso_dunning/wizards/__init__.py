from . import dso_dunning_action_reschedule
from . import dso_dunning_action_print
from . import dso_dunning_commitment_create
from . import base_partner_merge
from . import dso_dunning_aged_balance_open
