/** Who a campaign goes to, in one line: "Any of: News, Deals, excluding Sports". */
import type { AudienceMode } from '@/db/schema';

export const DELETED_TOPIC = '(deleted topic)';

export function audienceSummary(audience: AudienceMode, topicNames: string[], excludedNames: string[]): string {
  const head =
    audience === 'all' ? 'All subscribers' : `${audience === 'any' ? 'Any of' : 'All of'}: ${topicNames.length ? topicNames.join(', ') : '(no topics)'}`;
  return excludedNames.length ? `${head}, excluding ${excludedNames.join(', ')}` : head;
}
