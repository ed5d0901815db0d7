from .models.account_move_line import add_dunning_item_columns


def pre_init_hook(env):
    """Create the journal items' dunning columns in SQL before the ORM would
    compute them one record at a time (see ``add_dunning_item_columns``)."""
    add_dunning_item_columns(env.cr)
