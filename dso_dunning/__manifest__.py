{
    "name": "Dunning Cockpit",
    "summary": "Credit collection cockpit: dunning scenarios, daily agenda, "
    "automatic reminders, alerts",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "dso_dunning contributors",
    "website": "https://github.com/dso-dunning/dso_dunning",
    "depends": ["account", "mail", "sms", "phone_validation"],
    "external_dependencies": {"python": ["phonenumbers", "xlsxwriter"]},
    "data": [
        "security/dso_dunning_security.xml",
        "security/ir.model.access.csv",
        "data/mail_message_subtype_data.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/dso_dunning_scenario_data.xml",
        "data/ir_cron_data.xml",
        "views/dso_dunning_scenario_views.xml",
        "views/dso_dunning_action_views.xml",
        "views/dso_dunning_agenda_views.xml",
        "views/dso_dunning_reply_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "wizards/dso_dunning_action_reschedule_views.xml",
        "report/dso_dunning_letter_report.xml",
        "report/dso_dunning_action_report_views.xml",
        "views/dso_dunning_menus.xml",
    ],
    "demo": [
        "demo/dso_dunning_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "dso_dunning/static/src/agenda/*",
        ],
        "web.assets_tests": [
            "dso_dunning/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
