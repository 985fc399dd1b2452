-- After `manage.py migrate`: every table of the schema `vejapro` has row-level security on and no policy, and no
-- Supabase API role can use the schema. Every query must return no rows.
--
--   psql "$SUPABASE_ADMIN_URL" -v ON_ERROR_STOP=1 -f deploy/supabase/check.sql
SELECT 'table without row-level security' AS problem, c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'vejapro' AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
UNION ALL
SELECT 'policy (there should be none)', tablename || '.' || policyname
FROM pg_policies WHERE schemaname = 'vejapro'
UNION ALL
SELECT 'role may use the schema', rolname
FROM pg_roles WHERE rolname IN ('anon', 'authenticated') AND has_schema_privilege(rolname, 'vejapro', 'USAGE');
