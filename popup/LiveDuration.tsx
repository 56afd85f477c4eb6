import { useEffect, useRef, useState } from 'preact/hooks';
import type { FormatDuration } from './queue.ts';

/**
 * The duration of a call still on the line. It ticks each second only while it is on screen, so
 * a long queue scrolled away (or a filter hiding the row) costs no timers.
 */
export function LiveDuration({ since, format }: { since: number; format: FormatDuration }) {
  const ref = useRef<HTMLSpanElement>(null);
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
    };
    const seen = new IntersectionObserver(([entry]) => {
      if (!entry?.isIntersecting) return stop();
      setNow(Date.now());
      timer ??= setInterval(() => setNow(Date.now()), 1000);
    });
    seen.observe(el);
    return () => {
      seen.disconnect();
      stop();
    };
  }, []);
  return (
    <span ref={ref} data-running="true">
      {format(now - since)}
    </span>
  );
}
