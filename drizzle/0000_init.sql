CREATE SCHEMA "forwarded_messages";
--> statement-breakpoint
CREATE SCHEMA "metrics";
--> statement-breakpoint
CREATE SCHEMA "signals";
--> statement-breakpoint
CREATE TABLE "metrics"."ingest_cursor" (
	"channel_id" text PRIMARY KEY NOT NULL,
	"cursor" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metrics"."ingester_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forwarded_messages"."messages" (
	"id" bigserial NOT NULL,
	"channel_id" text NOT NULL,
	"message_id" text NOT NULL,
	"telegram_date" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone,
	"kind" text NOT NULL,
	"content" text,
	"content_hash" text NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parser_version" integer NOT NULL,
	"signal_id" bigint,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_pkey" PRIMARY KEY("id","telegram_date"),
	CONSTRAINT "messages_version_key" UNIQUE("channel_id","message_id","telegram_date","content_hash"),
	CONSTRAINT "messages_kind_check" CHECK ("forwarded_messages"."messages"."kind" IN ('message', 'edited', 'deleted')),
	CONSTRAINT "messages_outcome_check" CHECK ("forwarded_messages"."messages"."outcome" IN ('signal', 'update', 'ignored', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "metrics"."processing_stats" (
	"bucket" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"outcome" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "processing_stats_pkey" PRIMARY KEY("bucket","channel","outcome")
);
--> statement-breakpoint
CREATE TABLE "signals"."signal_events" (
	"seq" bigserial NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"signal_id" bigint NOT NULL,
	"op" text NOT NULL,
	"payload" jsonb NOT NULL,
	CONSTRAINT "signal_events_pkey" PRIMARY KEY("seq","occurred_at"),
	CONSTRAINT "signal_events_op_check" CHECK ("signals"."signal_events"."op" IN ('created', 'updated', 'target_hit', 'stopped', 'cancelled', 'closed'))
);
--> statement-breakpoint
CREATE TABLE "signals"."tp_capital_signals" (
	"id" bigserial NOT NULL,
	"channel" text NOT NULL,
	"message_id" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"signal_type" text NOT NULL,
	"asset" text NOT NULL,
	"side" text NOT NULL,
	"buy_min" numeric,
	"buy_max" numeric,
	"target_1" numeric,
	"target_2" numeric,
	"target_final" numeric,
	"stop" numeric,
	"targets" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"valid_until" date,
	"raw_message" text NOT NULL,
	"source" text DEFAULT 'telegram-gateway' NOT NULL,
	"seq" bigint NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tp_capital_signals_pkey" PRIMARY KEY("id","ts"),
	CONSTRAINT "tp_capital_signals_message_key" UNIQUE("channel","message_id","ts"),
	CONSTRAINT "tp_capital_signals_side_check" CHECK ("signals"."tp_capital_signals"."side" IN ('buy', 'sell')),
	CONSTRAINT "tp_capital_signals_status_check" CHECK ("signals"."tp_capital_signals"."status" ~ '^(open|target_([0-9]{1,3}|final)_hit|stopped|cancelled|closed)$')
);
--> statement-breakpoint
CREATE INDEX "signal_events_signal_idx" ON "signals"."signal_events" USING btree ("signal_id","seq");--> statement-breakpoint
CREATE INDEX "tp_capital_signals_ts_idx" ON "signals"."tp_capital_signals" USING btree ("ts" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "tp_capital_signals_asset_ts_idx" ON "signals"."tp_capital_signals" USING btree ("asset","ts" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "tp_capital_signals_channel_status_ts_idx" ON "signals"."tp_capital_signals" USING btree ("channel","status","ts" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "tp_capital_signals_open_asset_idx" ON "signals"."tp_capital_signals" USING btree ("channel","asset","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status NOT IN ('target_final_hit', 'stopped', 'cancelled', 'closed');--> statement-breakpoint
CREATE INDEX "tp_capital_signals_open_channel_idx" ON "signals"."tp_capital_signals" USING btree ("channel","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status NOT IN ('target_final_hit', 'stopped', 'cancelled', 'closed');