-- VejaPRO on Supabase: the schema, the role Django connects as, and what the Supabase API roles may see
-- (security-ops.md §8.4, data-model.md §8). Run once per Supabase project (production, staging) as `postgres`,
-- before the first `manage.py migrate`; running it again changes nothing:
--
--   psql "$SUPABASE_ADMIN_URL" -v ON_ERROR_STOP=1 -v app_password="$(openssl rand -hex 24)" -f deploy/supabase/setup.sql
--
-- Then DATABASE_URL connects as that role (on the Supabase pooler the user is `vejapro_app.<project ref>`):
--   postgres://vejapro_app:<password>@<host>:5432/postgres?sslmode=require&options=-c%20search_path%3Dvejapro
--
-- The tables live in the schema `vejapro`, which PostgREST does not expose. The migrations enable row-level security
-- without policies on every table (vejapro/core/row_level_security.py): `anon` and `authenticated` read nothing,
-- while `vejapro_app`, the owner of the tables, is not subject to RLS. `-v app_role=<name>` picks another role name.
\if :{?app_role}
\else
\set app_role vejapro_app
\endif

-- The role Django connects as: it owns the schema and so every table the migrations create.
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_role', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec

CREATE SCHEMA IF NOT EXISTS vejapro;
SELECT format('ALTER SCHEMA vejapro OWNER TO %I', :'app_role') \gexec
SELECT format('ALTER ROLE %I SET search_path = vejapro', :'app_role') \gexec

-- The appointment exclusion constraint needs btree_gist; on Supabase only `postgres` may create extensions, and
-- they live in the schema `extensions`.
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA extensions;
SELECT format('GRANT USAGE ON SCHEMA extensions TO %I', :'app_role') \gexec

-- Nobody else gets into the schema: not PUBLIC, not the Supabase API roles (where they exist).
REVOKE ALL ON SCHEMA vejapro FROM PUBLIC;
SELECT format('REVOKE ALL ON SCHEMA vejapro FROM %I', rolname)
FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA vejapro REVOKE ALL ON TABLES FROM PUBLIC', :'app_role')
\gexec
