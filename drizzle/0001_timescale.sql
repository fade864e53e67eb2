-- TimescaleDB step (custom migration). On plain PostgreSQL this does nothing; where the `timescaledb`
-- extension is available AND preloaded (shared_preload_libraries, as in the timescale/timescaledb image)
-- it turns the time-keyed tables into hypertables, compresses chunks old enough not to be edited and
-- drops old operational data. Written for TimescaleDB 2.11+ on PostgreSQL 16 (DML on compressed chunks);
-- the function names used are the 2.x ones that later releases keep as aliases.
--
--   table                          time column    chunk     compress after   retention
--   signals.tp_capital_signals     ts             30 days   180 days         none (the product)
--   signals.signal_events          occurred_at    7 days    30 days          365 days (SSE resync horizon)
--   forwarded_messages.messages    telegram_date  7 days    30 days          365 days
--   metrics.processing_stats       bucket         1 day     7 days           90 days
--
-- Signals are compressed late (180 days) because lifecycle updates and edits still reach them while a
-- trade runs; rejected inbox rows without a valid date (telegram_date = epoch 0) land in the 1970
-- chunk, which the inbox retention drops at its next run.
DO $timescale$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
     OR (NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
         AND coalesce(current_setting('shared_preload_libraries', true), '') NOT LIKE '%timescaledb%') THEN
    RAISE NOTICE 'timescaledb not available: time-keyed tables stay plain tables';
    RETURN;
  END IF;

  CREATE EXTENSION IF NOT EXISTS timescaledb;

  PERFORM create_hypertable('signals.tp_capital_signals', 'ts',
    chunk_time_interval => INTERVAL '30 days', if_not_exists => TRUE,
    create_default_indexes => FALSE, migrate_data => TRUE);
  PERFORM create_hypertable('signals.signal_events', 'occurred_at',
    chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE,
    create_default_indexes => FALSE, migrate_data => TRUE);
  PERFORM create_hypertable('forwarded_messages.messages', 'telegram_date',
    chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE,
    create_default_indexes => FALSE, migrate_data => TRUE);
  PERFORM create_hypertable('metrics.processing_stats', 'bucket',
    chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE,
    create_default_indexes => FALSE, migrate_data => TRUE);

  ALTER TABLE signals.tp_capital_signals SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'channel',
    timescaledb.compress_orderby = 'ts DESC, id DESC, message_id');
  ALTER TABLE signals.signal_events SET (timescaledb.compress,
    timescaledb.compress_segmentby = '',
    timescaledb.compress_orderby = 'occurred_at DESC, seq DESC');
  ALTER TABLE forwarded_messages.messages SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'channel_id',
    timescaledb.compress_orderby = 'telegram_date DESC, id DESC, message_id, content_hash');
  ALTER TABLE metrics.processing_stats SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'channel, outcome',
    timescaledb.compress_orderby = 'bucket DESC');

  PERFORM add_compression_policy('signals.tp_capital_signals', INTERVAL '180 days', if_not_exists => TRUE);
  PERFORM add_compression_policy('signals.signal_events', INTERVAL '30 days', if_not_exists => TRUE);
  PERFORM add_compression_policy('forwarded_messages.messages', INTERVAL '30 days', if_not_exists => TRUE);
  PERFORM add_compression_policy('metrics.processing_stats', INTERVAL '7 days', if_not_exists => TRUE);

  PERFORM add_retention_policy('signals.signal_events', INTERVAL '365 days', if_not_exists => TRUE);
  PERFORM add_retention_policy('forwarded_messages.messages', INTERVAL '365 days', if_not_exists => TRUE);
  PERFORM add_retention_policy('metrics.processing_stats', INTERVAL '90 days', if_not_exists => TRUE);
END
$timescale$;
