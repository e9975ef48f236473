/**
 * Human label for a `chatgpt_plan_type` claim (values from codex-rs/protocol/src/auth.rs), for the startup card,
 * `doctor` and the window. Unknown plans are shown as sent, so a new plan never hides behind a wrong label.
 */
const LABELS: Record<string, string> = {
  free: 'Free',
  go: 'Go',
  plus: 'Plus',
  pro: 'Pro',
  prolite: 'Pro Lite',
  team: 'Team',
  business: 'Business',
  self_serve_business_usage_based: 'Business',
  enterprise: 'Enterprise',
  hc: 'Enterprise',
  enterprise_cbp_usage_based: 'Enterprise',
  edu: 'Edu',
  education: 'Edu',
};

export function planLabel(plan: string): string {
  return LABELS[plan.toLowerCase()] ?? plan;
}
