import { Box } from 'ink';
import { BottomLine } from './BottomLine.js';
import type { UiSnapshot } from './controller.js';
import { CHROME_LINES } from './controller.js';
import { DetailPane } from './DetailPane.js';
import { Footer, type FooterMode } from './Footer.js';
import { Header } from './Header.js';
import { Help } from './Help.js';
import { RequestList } from './RequestList.js';
import type { Line } from './segments.js';

export interface ScreenProps {
  snap: UiSnapshot;
  /** The open tab's lines (the controller caches them). */
  detailLines: Line[];
  now: number;
}

/** The whole frame: rows-1 lines at most, so Ink never clears the screen per frame. */
export function Screen({ snap, detailLines, now }: ScreenProps) {
  const width = Math.max(20, snap.cols);
  const body = Math.max(1, snap.rows - 1 - CHROME_LINES);
  const mode: FooterMode = snap.prompt ? 'prompt' : snap.filter.editing ? 'filter' : snap.help ? 'help' : snap.view;
  let main;
  if (snap.help) main = <Help width={width} height={body + 1} />;
  else if (snap.view === 'detail' && snap.detail) {
    main = <DetailPane id={snap.detail.id} tab={snap.detail.tab} lines={detailLines} scroll={snap.detail.scroll} height={body} width={width} />;
  } else {
    main = (
      <RequestList
        rows={snap.list}
        cursor={snap.cursor}
        top={snap.top}
        height={body}
        width={width}
        newAbove={snap.newAbove}
        follow={snap.follow}
        loading={snap.loading || snap.filter.searching}
        emptyText={snap.filter.applied ? 'no request matches the filter' : snap.live ? 'waiting for requests…' : 'the history is empty'}
      />
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Header width={width} source={snap.source} live={snap.live} counts={snap.counts} now={now} />
      {main}
      <BottomLine width={width} filter={snap.filter} status={snap.status} prompt={snap.prompt} />
      <Footer mode={mode} width={width} />
    </Box>
  );
}
