//! Each event's name in the log (`kind`).

use super::event::Event;

impl Event {
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Declared { .. } => "declared",
            Self::StepTicked { .. } => "step_ticked",
            Self::StepSkipped { .. } => "step_skipped",
            Self::StepReopened { .. } => "step_reopened",
            Self::NoteAdded { .. } => "note_added",
            Self::FactNoted { .. } => "fact_noted",
            Self::LabelStated { .. } => "label_stated",
            Self::SeverityChanged { .. } => "severity_changed",
            Self::RoleAssigned { .. } => "role_assigned",
            Self::CommandAccepted { .. } => "command_accepted",
            Self::ActedInStead { .. } => "acted_in_stead",
            Self::Resolved {} => "resolved",
            Self::Closed { .. } => "closed",
            Self::Archived { .. } => "archived",
            Self::DecisionRecorded { .. } => "decision_recorded",
            Self::SubmissionRecorded { .. } => "submission_recorded",
            Self::ClockPaused { .. } => "clock_paused",
            Self::AuthorityInformed { .. } => "authority_informed",
            Self::ClockResumed { .. } => "clock_resumed",
            Self::ClockWaived { .. } => "clock_waived",
            Self::ClockAdded { .. } => "clock_added",
            Self::ClockDropped { .. } => "clock_dropped",
            Self::ContentProvided { .. } => "content_provided",
            Self::ResponderSwitched { .. } => "responder_switched",
            Self::AlertReceived { .. } => "alert_received",
            Self::AlertUnrouted { .. } => "alert_unrouted",
            Self::UnroutedDismissed { .. } => "unrouted_dismissed",
            Self::UnroutedDeclared { .. } => "unrouted_declared",
            Self::UnroutedAttached { .. } => "unrouted_attached",
            Self::TornTailQuarantined { .. } => "torn_tail_quarantined",
            Self::DrillConfigured { .. } => "drill_configured",
            Self::ApprovalRequested { .. } => "approval_requested",
            Self::ApprovalGranted { .. } => "approval_granted",
            Self::ActionStarted { .. } => "action_started",
            Self::ActionFinished { .. } => "action_finished",
            Self::EffectRecorded { .. } => "effect_recorded",
            Self::EffectUpdated { .. } => "effect_updated",
            Self::EvidencePreserved { .. } => "evidence_preserved",
            Self::UpdateSent { .. } => "update_sent",
            Self::MessageQueued { .. } => "message_queued",
            Self::DeliveryFailed { .. } => "delivery_failed",
            Self::MessageDelivered { .. } => "message_delivered",
            Self::PageAcknowledged { .. } => "page_acknowledged",
            Self::MessageWithdrawn { .. } => "message_withdrawn",
        }
    }
}
