from . import dso_dunning_action_reschedule
