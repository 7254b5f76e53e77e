import { useEffect, useState } from 'react';
import { countAudienceAction } from '../../actions';

/**
 * The live count of active subscribers an audience reaches, asked for 350 ms after the last
 * change. An answer for an audience that newer input has superseded is ignored, so a slow reply
 * can never overwrite the count of the current one.
 */
export function useAudienceCount(audience: string, topicIds: string[], excludeTopicIds: string[]) {
  const [count, setCount] = useState<number | null>(null);
  const [counting, setCounting] = useState(false);
  const audienceKey = JSON.stringify([audience, topicIds, excludeTopicIds]);
  useEffect(() => {
    const [audience, topicIds, excludeTopicIds] = JSON.parse(audienceKey) as [string, string[], string[]];
    if (audience !== 'all' && topicIds.length === 0) {
      setCount(0);
      return;
    }
    setCounting(true);
    // A slow answer for an earlier audience must not overwrite the count of the current one.
    let superseded = false;
    const count = async () => {
      const res = await countAudienceAction({ audience, topicIds, excludeTopicIds }).catch(() => null);
      if (superseded) return;
      setCount(res?.ok ? res.data : null);
      setCounting(false);
    };
    const t = setTimeout(() => void count(), 350);
    return () => {
      superseded = true;
      clearTimeout(t);
    };
  }, [audienceKey]);
  return { count, counting };
}
