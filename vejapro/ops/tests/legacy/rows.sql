-- Realistic legacy rows for the import tests, including the shapes data-model.md §9 repairs or reports.
INSERT INTO users (id, email, phone, role, is_active, created_at, updated_at) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'Vadovas@VejaPro.lt', '+37060000001', 'ADMIN', true, '2024-03-01 08:00+00', '2024-03-01 08:00+00'),
  ('a0000000-0000-4000-8000-000000000002', 'rangovas@example.lt', '+37060000002', 'SUBCONTRACTOR', true, '2024-03-02 08:00+00', '2024-03-02 08:00+00'),
  ('a0000000-0000-4000-8000-000000000003', 'ekspertas@example.lt', NULL, 'EXPERT', true, '2024-03-03 08:00+00', '2024-03-03 08:00+00'),
  ('a0000000-0000-4000-8000-000000000004', 'ona.klientė@example.lt', '+37060000004', 'CLIENT', false, '2024-03-04 08:00+00', '2024-05-04 08:00+00');

INSERT INTO projects (id, client_info, status, area_m2, total_price_client, internal_cost, is_certified,
                      marketing_consent, marketing_consent_at, status_changed_at, assigned_contractor_id,
                      assigned_expert_id, created_at, updated_at) VALUES
  -- a draft of a portal client
  ('b0000000-0000-4000-8000-000000000001',
   '{"client_id": "a0000000-0000-4000-8000-000000000004", "name": "Ona Klientė", "email": "ona.klientė@example.lt", "phone": "+37060000004"}',
   'DRAFT', 120.00, NULL, NULL, false, false, NULL, NULL, NULL, NULL, '2024-04-01 09:00+00', '2024-04-01 09:00+00'),
  -- paid with a manual deposit in the old free-text method
  ('b0000000-0000-4000-8000-000000000002',
   '{"name": "Petras Petraitis", "email": "petras@example.lt", "phone": "861234567", "address": "Kauno g. 5"}',
   'PAID', 300.00, 1500.00, 900.00, false, false, NULL, '2024-04-10 10:00+00',
   'a0000000-0000-4000-8000-000000000002', NULL, '2024-04-02 09:00+00', '2024-04-10 10:00+00'),
  -- certified: a legacy owner key, a contractor who no longer exists, the certification in the audit log
  ('b0000000-0000-4000-8000-000000000003',
   '{"user_id": "legacy-42", "client_name": "Jonas Jonaitis", "email": "jonas@example.lt"}',
   'CERTIFIED', 450.00, 2200.00, 1400.00, true, true, '2024-04-03 09:00+00', '2024-05-20 12:00+00',
   'a0000000-0000-4000-8000-00000000dead', 'a0000000-0000-4000-8000-000000000003',
   '2024-04-03 09:00+00', '2024-05-20 12:00+00'),
  -- active, no certification audit row: certified_at falls back to status_changed_at
  ('b0000000-0000-4000-8000-000000000004',
   '{"client_id": "a0000000-0000-4000-8000-000000000004", "name": "Ona Klientė", "email": "ona.klientė@example.lt"}',
   'ACTIVE', 200.00, 1000.00, 600.00, true, false, NULL, '2024-06-01 15:00+00',
   'a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003',
   '2024-04-04 09:00+00', '2024-06-01 15:00+00');

INSERT INTO evidences (id, project_id, file_url, thumbnail_url, medium_url, category, uploaded_by, uploaded_at,
                       created_at, show_on_web, is_featured, location_tag) VALUES
  ('c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003',
   'https://legacy.supabase.co/storage/v1/object/evidences/b3/before.jpg',
   'https://legacy.supabase.co/storage/v1/object/evidences/b3/before_thumb.webp',
   'https://legacy.supabase.co/storage/v1/object/evidences/b3/before_medium.webp',
   'SITE_BEFORE', 'a0000000-0000-4000-8000-000000000002', '2024-04-20 08:00+00', '2024-04-20 08:00+00', true, true, 'Vilnius'),
  ('c0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003',
   'https://legacy.supabase.co/storage/v1/object/public/evidences/b3/cert.jpg', NULL, NULL,
   'EXPERT_CERTIFICATION', 'a0000000-0000-4000-8000-000000000003', '2024-05-20 11:00+00', '2024-05-20 11:00+00', false, false, NULL),
  -- photos whose project is gone or was never set
  ('c0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-0000000000ff',
   'https://legacy.supabase.co/storage/v1/object/evidences/gone/x.jpg', NULL, NULL,
   'WORK_IN_PROGRESS', NULL, '2024-04-21 08:00+00', '2024-04-21 08:00+00', false, false, NULL),
  ('c0000000-0000-4000-8000-000000000004', NULL,
   'https://legacy.supabase.co/storage/v1/object/evidences/none/y.jpg', NULL, NULL,
   'WORK_IN_PROGRESS', NULL, '2024-04-22 08:00+00', '2024-04-22 08:00+00', false, false, NULL);

INSERT INTO payments (id, project_id, provider, provider_intent_id, provider_event_id, amount, currency, payment_type,
                      status, raw_payload, payment_method, received_at, collected_by, collection_context, receipt_no,
                      is_manual_confirmed, confirmed_by, confirmed_at, created_at) VALUES
  ('d0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 'manual', NULL, NULL,
   300.00, 'eur', 'DEPOSIT', 'SUCCEEDED', '{"notes": "grynais objekte"}', 'GRYNIEJI', '2024-04-10 09:55+00',
   'a0000000-0000-4000-8000-000000000002', 'ON_SITE_BEFORE_WORK', 'K-0001', true,
   'a0000000-0000-4000-8000-000000000001', '2024-04-10 10:00+00', '2024-04-10 10:00+00'),
  ('d0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003', 'stripe', 'pi_3Legacy0001',
   'evt_3Legacy0001', 440.00, 'EUR', 'DEPOSIT', 'SUCCEEDED', '{"id": "pi_3Legacy0001"}', 'CARD',
   '2024-04-05 10:00+00', NULL, NULL, NULL, false, NULL, NULL, '2024-04-05 10:00+00'),
  ('d0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000004', 'manual', NULL, 'manual-key-77',
   800.00, 'EUR', 'FINAL', 'SUCCEEDED', NULL, 'BANK_TRANSFER', '2024-05-30 10:00+00', NULL, 'REMOTE', 'K-0002', true,
   'a0000000-0000-4000-8000-000000000001', '2024-05-30 11:00+00', '2024-05-30 11:00+00');

INSERT INTO client_confirmations (id, project_id, token_hash, expires_at, confirmed_at, confirmed_from_phone, channel,
                                  status, attempts, created_at) VALUES
  ('e0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004',
   'f3b1c0d35a8e4d7e9c2b6a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a392817', '2024-06-03 15:00+00',
   '2024-06-01 14:55+00', NULL, 'email', 'CONFIRMED', 0, '2024-05-31 15:00+00');

INSERT INTO notification_outbox (id, entity_type, entity_id, channel, template_key, payload_json, dedupe_key, status,
                                 attempt_count, next_attempt_at, sent_at, created_at, updated_at) VALUES
  ('f0000000-0000-4000-8000-000000000001', 'project', 'b0000000-0000-4000-8000-000000000004', 'email',
   'FINAL_PAYMENT_CONFIRMATION', '{"to": "ona.klientė@example.lt", "subject": "Patvirtinkite"}',
   'final-confirmation:b0000000-0000-4000-8000-000000000004', 'SENT', 1, '2024-05-31 15:00+00',
   '2024-05-31 15:00+00', '2024-05-31 15:00+00', '2024-05-31 15:00+00'),
  ('f0000000-0000-4000-8000-000000000002', 'call_request', 'lead-17', 'sms', 'CALL_REQUEST_RECEIVED',
   '{"to": "+37060000009"}', 'lead-received:17', 'SENT', 1, '2024-04-01 08:00+00', '2024-04-01 08:00+00',
   '2024-04-01 08:00+00', '2024-04-01 08:00+00');

INSERT INTO call_requests (id, name, phone, email, notes, status, source, created_at, updated_at) VALUES
  ('91000000-0000-4000-8000-000000000001', 'Rasa', '+37060000009', NULL, 'CallSid CA0123456789abcdef', 'NEW', 'voice',
   '2024-04-01 08:00+00', '2024-04-01 08:00+00');

INSERT INTO appointments (id, project_id, resource_id, starts_at, ends_at, status, hold_expires_at, created_at,
                          updated_at) VALUES
  ('92000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002',
   'a0000000-0000-4000-8000-000000000002', '2024-04-15 07:00+00', '2024-04-15 11:00+00', 'CONFIRMED',
   '2024-04-11 07:00+00', '2024-04-10 10:05+00', '2024-04-10 10:05+00');

INSERT INTO conversation_locks (id, channel, conversation_id, appointment_id, hold_expires_at) VALUES
  ('93000000-0000-4000-8000-000000000001', 'VOICE', 'CA0123456789abcdef', '92000000-0000-4000-8000-000000000001',
   '2024-04-10 10:10+00');

INSERT INTO margins (id, service_type, margin_percent, valid_from, valid_until, created_by, created_at) VALUES
  ('94000000-0000-4000-8000-000000000001', 'Vejos įrengimas', 25.00, '2024-01-01 00:00+00', NULL,
   'a0000000-0000-4000-8000-000000000001', '2024-01-01 00:00+00');

INSERT INTO finance_ledger_entries (id, project_id, entry_type, category, amount, recorded_by, created_at) VALUES
  ('95000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003', 'EXPENSE', 'MATERIALS', 320.00,
   'a0000000-0000-4000-8000-000000000001', '2024-04-25 10:00+00');

INSERT INTO audit_logs (id, entity_type, entity_id, action, old_value, new_value, actor_type, actor_id, ip_address,
                        user_agent, metadata, "timestamp") VALUES
  ('96000000-0000-4000-8000-000000000001', 'project', 'b0000000-0000-4000-8000-000000000003', 'STATUS_CHANGE',
   '{"status": "PENDING_EXPERT"}', '{"status": "CERTIFIED"}', 'EXPERT', 'a0000000-0000-4000-8000-000000000003',
   '203.0.113.7', 'Mozilla/5.0', NULL, '2024-05-20 11:30+00'),
  ('96000000-0000-4000-8000-000000000002', 'project', 'b0000000-0000-4000-8000-000000000004',
   'EMAIL_CONFIRMATION_CREATED', NULL, '{"channel": "email", "token_hint": "f3b1c0"}', 'SYSTEM', NULL, NULL, NULL,
   NULL, '2024-05-31 15:00+00'),
  ('96000000-0000-4000-8000-000000000003', 'call_request', '17', 'CALL_REQUEST_CREATED', NULL,
   '{"source": "voice", "phone": "+37060000009"}', 'SYSTEM_TWILIO', NULL, NULL, NULL, NULL, '2024-04-01 08:00+00'),
  ('96000000-0000-4000-8000-000000000004', 'payment', 'd0000000-0000-4000-8000-000000000001',
   'PAYMENT_RECORDED_MANUAL', NULL, '{"amount": 300.0, "email": "petras@example.lt"}', 'ADMIN',
   'a0000000-0000-4000-8000-000000000001', '198.51.100.2', 'Mozilla/5.0', '{"receipt_no": "K-0001"}',
   '2024-04-10 10:00+00');
