import type { ReactNode } from 'react';

export type Tone = 'ok' | 'warn' | 'fail' | 'info' | 'neutral' | 'accent';

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const STATUS_TONE: Record<string, Tone> = {
  completed: 'ok',
  recording: 'accent',
  interrupted: 'warn',
  cancelled: 'neutral',
  failed: 'fail',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status}</Badge>;
}

const CHECK_TONE: Record<string, Tone> = { pass: 'ok', warn: 'warn', fail: 'fail', 'n/a': 'neutral' };
const CHECK_TEXT: Record<string, string> = { pass: '✓ pass', warn: '! warn', fail: '✕ fail', 'n/a': 'n/a' };

export function CheckBadge({ status }: { status: string }) {
  return <Badge tone={CHECK_TONE[status] ?? 'neutral'}>{CHECK_TEXT[status] ?? status}</Badge>;
}

/** Impact: high is what matters most (red-ish); effort: low is cheapest (green). */
export function ImpactBadge({ impact }: { impact: string }) {
  const tone: Tone = impact === 'high' ? 'fail' : impact === 'medium' ? 'warn' : 'neutral';
  return <Badge tone={tone}>impact: {impact}</Badge>;
}

export function EffortBadge({ effort }: { effort: string }) {
  const tone: Tone = effort === 'low' ? 'ok' : effort === 'medium' ? 'info' : 'warn';
  return <Badge tone={tone}>effort: {effort}</Badge>;
}
