import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    """French-speaking finance teams get the whole app in French."""

    def test_every_term_has_a_french_translation(self):
        reader = TranslationModuleReader(self.env.cr, modules=["dso_dunning"])
        sources = {
            source for module, _t, _n, _r, source, _v, _c in reader if module == "dso_dunning"
        }
        self.assertGreater(len(sources), 10)
        catalogue = polib.pofile(file_path("dso_dunning/i18n/fr.po"))
        translated = {
            entry.msgid
            for entry in catalogue
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        }
        missing = sorted(sources - translated)
        self.assertFalse(
            missing,
            "Terms without French translation (run 'make i18n', then translate fr.po):\n"
            + "\n".join(missing),
        )

    def test_french_user_sees_french_menus_and_roles(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        env_fr = self.env(context={"lang": "fr_FR"})
        self.assertEqual(env_fr.ref("dso_dunning.dso_dunning_menu_root").name, "Relances")
        self.assertEqual(
            env_fr.ref("dso_dunning.group_dso_dunning_collector").name, "Chargé de recouvrement"
        )
