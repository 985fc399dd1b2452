-- The legacy (pre-Django) schema as data-model.md documents it: the same tables and column names, without the
-- columns and tables the spec marks "new", and with the looser types the import has to repair (§9): text entity ids
-- in the audit log and the outbox, optional payment keys, free payment methods, no foreign keys on assignments.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    phone varchar(20),
    role varchar(32) NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    last_login timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
    id uuid PRIMARY KEY,
    client_info jsonb NOT NULL DEFAULT '{}',
    status varchar(32) NOT NULL DEFAULT 'DRAFT',
    area_m2 numeric(10, 2),
    total_price_client numeric(12, 2),
    internal_cost numeric(12, 2),
    vision_analysis jsonb,
    has_robot boolean NOT NULL DEFAULT false,
    is_certified boolean NOT NULL DEFAULT false,
    marketing_consent boolean NOT NULL DEFAULT false,
    marketing_consent_at timestamptz,
    status_changed_at timestamptz,
    assigned_contractor_id uuid,
    assigned_expert_id uuid,
    scheduled_for timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chk_is_certified CHECK (
        (is_certified AND status IN ('CERTIFIED', 'ACTIVE')) OR (NOT is_certified AND status NOT IN ('CERTIFIED', 'ACTIVE'))
    ),
    CONSTRAINT chk_marketing_consent_at CHECK (NOT marketing_consent OR marketing_consent_at IS NOT NULL)
);

CREATE TABLE evidences (
    id uuid PRIMARY KEY,
    project_id uuid,
    file_url text NOT NULL,
    thumbnail_url text,
    medium_url text,
    category varchar(32) NOT NULL,
    uploaded_by uuid,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    show_on_web boolean NOT NULL DEFAULT false,
    is_featured boolean NOT NULL DEFAULT false,
    location_tag varchar(128)
);

CREATE TABLE payments (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES projects (id),
    provider varchar(32) NOT NULL,
    provider_intent_id varchar(128),
    provider_event_id varchar(128),
    amount numeric(12, 2) NOT NULL,
    currency varchar(10) NOT NULL DEFAULT 'EUR',
    payment_type varchar(32) NOT NULL,
    status varchar(32) NOT NULL,
    raw_payload jsonb,
    payment_method varchar(32),
    received_at timestamptz,
    collected_by uuid,
    collection_context varchar(32),
    receipt_no varchar(64),
    proof_url text,
    ai_extracted_data jsonb,
    is_manual_confirmed boolean NOT NULL DEFAULT false,
    confirmed_by uuid,
    confirmed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX uniq_payments_provider_event ON payments (provider, provider_event_id)
    WHERE provider_event_id IS NOT NULL;

CREATE TABLE client_confirmations (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES projects (id),
    token_hash varchar(64) NOT NULL,
    expires_at timestamptz NOT NULL,
    confirmed_at timestamptz,
    confirmed_from_phone varchar(20),
    channel varchar(20) NOT NULL DEFAULT 'email',
    status varchar(32) NOT NULL DEFAULT 'PENDING',
    attempts smallint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notification_outbox (
    id uuid PRIMARY KEY,
    entity_type varchar(64) NOT NULL,
    entity_id text NOT NULL,
    channel varchar(32) NOT NULL,
    template_key varchar(64) NOT NULL,
    payload_json jsonb NOT NULL,
    dedupe_key varchar(128) NOT NULL UNIQUE,
    status varchar(16) NOT NULL DEFAULT 'PENDING',
    attempt_count integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE call_requests (
    id uuid PRIMARY KEY,
    name varchar(128) NOT NULL,
    phone varchar(32) NOT NULL,
    email varchar(255),
    preferred_time timestamptz,
    notes text,
    status varchar(32) NOT NULL DEFAULT 'NEW',
    source varchar(32) NOT NULL DEFAULT 'public',
    converted_project_id uuid REFERENCES projects (id),
    preferred_channel varchar(20) NOT NULL DEFAULT 'email',
    intake_state jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE appointments (
    id uuid PRIMARY KEY,
    project_id uuid REFERENCES projects (id),
    call_request_id uuid REFERENCES call_requests (id),
    resource_id uuid,
    visit_type varchar(32) NOT NULL DEFAULT 'PRIMARY',
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    status varchar(32) NOT NULL DEFAULT 'CONFIRMED',
    lock_level smallint NOT NULL DEFAULT 0,
    locked_at timestamptz,
    locked_by uuid,
    lock_reason text,
    hold_expires_at timestamptz,
    weather_class varchar(32) NOT NULL DEFAULT 'MIXED',
    route_date date,
    route_sequence integer,
    row_version integer NOT NULL DEFAULT 1,
    superseded_by uuid,
    cancelled_at timestamptz,
    cancelled_by uuid,
    cancel_reason text,
    notes text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversation_locks (
    id uuid PRIMARY KEY,
    channel varchar(16) NOT NULL,
    conversation_id varchar(128) NOT NULL,
    appointment_id uuid NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    visit_type varchar(32) NOT NULL DEFAULT 'PRIMARY',
    hold_expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE schedule_previews (
    id uuid PRIMARY KEY,
    route_date date NOT NULL,
    resource_id uuid NOT NULL,
    preview_hash varchar(128) NOT NULL,
    payload jsonb NOT NULL,
    expires_at timestamptz NOT NULL,
    consumed_at timestamptz,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_logs (
    id uuid PRIMARY KEY,
    entity_type varchar(50) NOT NULL,
    entity_id text NOT NULL,
    action varchar(64) NOT NULL,
    old_value jsonb,
    new_value jsonb,
    actor_type varchar(50) NOT NULL,
    actor_id varchar(128),
    ip_address inet,
    user_agent text,
    metadata jsonb,
    "timestamp" timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE margins (
    id uuid PRIMARY KEY,
    service_type varchar(64) NOT NULL,
    margin_percent numeric(5, 2) NOT NULL,
    valid_from timestamptz NOT NULL DEFAULT now(),
    valid_until timestamptz,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE finance_ledger_entries (
    id uuid PRIMARY KEY,
    project_id uuid REFERENCES projects (id),
    entry_type varchar(32) NOT NULL,
    category varchar(64) NOT NULL,
    description text,
    amount numeric(12, 2) NOT NULL,
    currency varchar(10) NOT NULL DEFAULT 'EUR',
    payment_method varchar(32),
    document_id uuid,
    reverses_entry_id uuid,
    recorded_by uuid,
    occurred_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_requests (
    id uuid PRIMARY KEY,
    client_user_id varchar(128) NOT NULL,
    project_id uuid REFERENCES projects (id),
    service_slug varchar(64) NOT NULL,
    status varchar(32) NOT NULL DEFAULT 'NEW',
    payload jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
