-- make run only: the demo database in euros, like the product it imitates.
--
-- Odoo's own account demo entries are posted in US dollars before the addon's
-- demo loads, and a company's currency cannot change once it has journal
-- items. In this demo database only (never on real books), every reference to
-- the dollar is relabelled as the euro: the amounts, fictional, stay as they
-- are. Currency rates are left alone (the euro has its own).
DO $$
DECLARE
    usd int := (SELECT id FROM res_currency WHERE name = 'USD');
    eur int := (SELECT id FROM res_currency WHERE name = 'EUR');
    ref record;
BEGIN
    IF (SELECT currency_id FROM res_company ORDER BY id LIMIT 1) = eur THEN
        RETURN;
    END IF;
    UPDATE res_currency SET active = TRUE WHERE id = eur;
    FOR ref IN
        SELECT cls.relname AS tbl, att.attname AS col
          FROM pg_constraint con
          JOIN pg_class cls ON cls.oid = con.conrelid
          JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
         WHERE con.contype = 'f' AND con.confrelid = 'res_currency'::regclass
           AND cls.relname NOT IN ('res_currency_rate')
    LOOP
        BEGIN
            EXECUTE format('UPDATE %I SET %I = %s WHERE %I = %s', ref.tbl, ref.col, eur, ref.col, usd);
        EXCEPTION WHEN unique_violation THEN
            -- a many2many already holding the euro: the dollar's line goes
            EXECUTE format('DELETE FROM %I WHERE %I = %s', ref.tbl, ref.col, usd);
        END;
    END LOOP;
END $$;
