import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

const SECONDS = 30;
const HZ = 20;

/** The last 30 s of one input's RMS and peak (uPlot), redrawn 4 times a second from what the page already receives. */
export function MeterHistory(props: {
  channel: number;
  feed: (fn: (rms: number, peak: number) => void) => () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const n = SECONDS * HZ;
    const t = Float64Array.from({ length: n }, (_, i) => (i - n + 1) / HZ);
    const rms = new Array<number | null>(n).fill(null);
    const peak = new Array<number | null>(n).fill(null);
    const plot = new uPlot(
      {
        width: Math.min(900, (box.current?.clientWidth ?? 600) - 8),
        height: 220,
        scales: { x: { time: false }, y: { range: [-90, 0] } },
        axes: [
          { stroke: '#a7adb7', grid: { stroke: '#2c3139' }, label: 's' },
          { stroke: '#a7adb7', grid: { stroke: '#2c3139' }, label: 'dBFS' },
        ],
        series: [{}, { label: 'RMS', stroke: '#4fd18b', width: 2 }, { label: 'peak', stroke: '#ffc857', width: 1 }],
        legend: { show: true },
      },
      [Array.from(t), rms, peak],
      box.current!,
    );
    const finite = (x: number) => (Number.isFinite(x) && x > -200 ? Math.max(-90, x) : null);
    const off = props.feed((r, p) => {
      rms.push(finite(r));
      peak.push(finite(p));
      rms.shift();
      peak.shift();
    });
    const timer = window.setInterval(() => plot.setData([Array.from(t), rms, peak]), 250);
    return () => {
      window.clearInterval(timer);
      off();
      plot.destroy();
    };
  }, [props.channel]);
  return <div class="history" ref={box} data-history={props.channel} />;
}
