package org.crl4j.envs.maze;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A maze as a grid of square cells: {@code '#'} wall, {@code 'R'} the start cell, {@code 'G'} a cell whose centre
 * may be drawn as the goal, {@code '.'} open floor. Rows are separated by {@code '/'} or newlines and read top to
 * bottom, e.g. the U maze {@code "#####/#RGG#/###G#/#GGG#/#####"}.
 *
 * <p><b>World coordinates</b> follow JaxGCRL ({@code make_maze} in {@code jaxgcrl/envs/simple_maze.py}): the centre
 * of cell (row i, column j) is at world {@code (x, y) = (i·cellSize, j·cellSize)}, so the row index is the world x
 * axis and the column index the world y axis, and cell (i, j) covers
 * {@code [(i − ½)·cellSize, (i + ½)·cellSize] × [(j − ½)·cellSize, (j + ½)·cellSize]}.
 *
 * <p>A valid layout is rectangular, closed (every border cell is a wall), has exactly one R and at least one G,
 * and every G can be reached from R through open cells (4-neighbour moves). Immutable.
 */
public final class MazeLayout {

    // ---- the named layouts ----------------------------------------------------------------------------------------
    // JaxGCRL jaxgcrl/envs/simple_maze.py (also ant_maze.py): U_MAZE, U_MAZE_EVAL, BIG_MAZE, BIG_MAZE_EVAL,
    // HARDEST_MAZE. wang-kevin3290/scaling-crl envs/ant_maze.py: U4_MAZE(_EVAL), U5_MAZE(_EVAL) (JaxGCRL has no
    // U4/U5). An "_EVAL" layout is the same maze with only the far goal cells kept.

    /** The U maze, 5×5 cells, 6 goal cells. */
    public static final MazeLayout U = parse("#####/#RGG#/###G#/#GGG#/#####");
    /** U maze, evaluation: the 3 goal cells of the far arm (JaxGCRL U_MAZE_EVAL). */
    public static final MazeLayout U_EVAL = parse("#####/#R..#/###.#/#GGG#/#####");
    /** A longer U, 7×5 cells, 10 goal cells (scaling-crl U4_MAZE). */
    public static final MazeLayout U4 = parse("#####/#GGG#/#R#G#/###G#/#G#G#/#GGG#/#####");
    /** U4 evaluation: the 4 goal cells at the end of the far arm (scaling-crl U4_MAZE_EVAL). */
    public static final MazeLayout U4_EVAL = parse("#####/#...#/#R#.#/###.#/#G#.#/#GGG#/#####");
    /** A wide U, 7×8 cells, 16 goal cells (scaling-crl U5_MAZE). */
    public static final MazeLayout U5 = parse("########/#GGGGGG#/#R####G#/######G#/#G####G#/#GGGGGG#/########");
    /** U5 evaluation: the 8 goal cells of the far arm (scaling-crl U5_MAZE_EVAL). */
    public static final MazeLayout U5_EVAL =
            parse("########/#......#/#R####.#/######.#/#G####G#/#GGGGGG#/########");
    /** The big maze, 8×8 cells, 25 goal cells. */
    public static final MazeLayout BIG =
            parse("########/#RG##GG#/#GG#GGG#/##GGG###/#GG#GGG#/#G#GG#G#/#GGG#GG#/########");
    /**
     * Big maze evaluation: 10 far goal cells, as JaxGCRL's simple_maze.py / ant_maze.py BIG_MAZE_EVAL (scaling-crl's
     * ant_maze.py keeps 9: it drops the cell at row 2, column 5).
     */
    public static final MazeLayout BIG_EVAL =
            parse("########/#R.##GG#/#..#.GG#/##...###/#..#...#/#.#G.#G#/#.GG#GG#/########");
    /** The hardest maze, 9×12 cells, 45 goal cells. */
    public static final MazeLayout HARDEST = parse("############/#RGGG#GGGGG#/#G##G#G#G#G#/#GGGGGG#GGG#"
            + "/#G####G###G#/#GG#G#GGGGG#/##G#G#G#G###/#GG#GGG#GGG#/############");
    /**
     * Hardest maze evaluation. JaxGCRL defines none; this is crl4j's: the goal cells at least ⅔ of the farthest
     * goal's path distance from R (24 cells), the rule that reproduces U_EVAL and U4_EVAL exactly.
     */
    public static final MazeLayout HARDEST_EVAL = HARDEST.farGoals(2.0 / 3.0);

    // ---- the grid --------------------------------------------------------------------------------------------------

    private final int rows;
    private final int cols;
    private final boolean[] wall;  // row-major, rows × cols
    private final boolean[] goal;  // row-major
    private final int startRow;
    private final int startCol;
    private final int[] goalCells; // row-major cell indices of the G cells, in reading order

    private MazeLayout(int rows, int cols, boolean[] wall, boolean[] goal, int startRow, int startCol) {
        this.rows = rows;
        this.cols = cols;
        this.wall = wall;
        this.goal = goal;
        this.startRow = startRow;
        this.startCol = startCol;
        int n = 0;
        for (boolean g : goal) {
            n += g ? 1 : 0;
        }
        this.goalCells = new int[n];
        for (int k = 0, c = 0; k < goal.length; k++) {
            if (goal[k]) {
                goalCells[c++] = k;
            }
        }
    }

    /**
     * Parses and validates a layout; every problem is reported as an {@link IllegalArgumentException} whose one-line
     * message names the problem and the fix. Leading and trailing blanks on a row and blank lines at either end are
     * ignored.
     */
    public static MazeLayout parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty maze layout; give rows of '#' (wall), 'R' (start), 'G' (goal), "
                    + "'.' (open) separated by '/' or newlines, e.g. \"#####/#RGG#/###G#/#GGG#/#####\"");
        }
        String[] raw = text.strip().split("\\s*(/|\\r?\\n)\\s*", -1);
        int rows = raw.length;
        int cols = raw[0].length();
        for (int i = 0; i < rows; i++) {
            if (raw[i].isEmpty()) {
                throw new IllegalArgumentException("row " + i + " of the maze layout is empty; remove the extra '/' "
                        + "or blank line");
            }
            if (raw[i].length() != cols) {
                throw new IllegalArgumentException("row " + i + " of the maze layout has " + raw[i].length()
                        + " cells but row 0 has " + cols + "; every row must have the same length");
            }
        }
        if (rows < 3 || cols < 3) {
            throw new IllegalArgumentException("maze layout of " + rows + "×" + cols + " cells is too small; it needs "
                    + "at least 3×3 cells (a wall border around at least one open cell)");
        }
        boolean[] wall = new boolean[rows * cols];
        boolean[] goal = new boolean[rows * cols];
        int startRow = -1;
        int startCol = -1;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                char ch = raw[i].charAt(j);
                int k = i * cols + j;
                switch (ch) {
                    case '#' -> wall[k] = true;
                    case 'G' -> goal[k] = true;
                    case '.' -> { }
                    case 'R' -> {
                        if (startRow >= 0) {
                            throw new IllegalArgumentException("more than one start cell 'R' (row " + startRow
                                    + ", column " + startCol + " and row " + i + ", column " + j
                                    + "); mark exactly one cell with R");
                        }
                        startRow = i;
                        startCol = j;
                    }
                    default -> throw new IllegalArgumentException("unknown character '" + ch + "' at row " + i
                            + ", column " + j + " of the maze layout; use '#' (wall), 'R' (start), 'G' (goal) or "
                            + "'.' (open)");
                }
                boolean border = i == 0 || j == 0 || i == rows - 1 || j == cols - 1;
                if (border && !wall[k]) {
                    throw new IllegalArgumentException("open border cell '" + ch + "' at row " + i + ", column " + j
                            + "; the outermost rows and columns must all be walls '#' so the ball cannot leave");
                }
            }
        }
        if (startRow < 0) {
            throw new IllegalArgumentException("no start cell 'R' in the maze layout; mark exactly one open cell "
                    + "with R");
        }
        MazeLayout m = new MazeLayout(rows, cols, wall, goal, startRow, startCol);
        if (m.goalCells.length == 0) {
            throw new IllegalArgumentException("no goal cell 'G' in the maze layout; mark at least one open cell "
                    + "with G");
        }
        int[] dist = m.pathDistances();
        for (int k : m.goalCells) {
            if (dist[k] < 0) {
                throw new IllegalArgumentException("goal cell at row " + k / cols + ", column " + k % cols
                        + " cannot be reached from the start R; open a path to it or make it a wall '#'");
            }
        }
        return m;
    }

    /** The named layouts by name ({@code u}, {@code u_eval}, {@code u4}, …, {@code hardest_eval}). */
    public static MazeLayout named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "u" -> U;
            case "u_eval" -> U_EVAL;
            case "u4" -> U4;
            case "u4_eval" -> U4_EVAL;
            case "u5" -> U5;
            case "u5_eval" -> U5_EVAL;
            case "big" -> BIG;
            case "big_eval" -> BIG_EVAL;
            case "hardest" -> HARDEST;
            case "hardest_eval" -> HARDEST_EVAL;
            default -> throw new IllegalArgumentException("unknown maze '" + name + "'; use u, u4, u5, big or hardest "
                    + "(each also with _eval), or give a layout string");
        };
    }

    // ---- queries ----------------------------------------------------------------------------------------------------

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** True for wall cells and for anything outside the grid. */
    public boolean isWall(int row, int col) {
        return row < 0 || col < 0 || row >= rows || col >= cols || wall[row * cols + col];
    }

    public boolean isGoal(int row, int col) {
        return !isWall(row, col) && goal[row * cols + col];
    }

    public int startRow() {
        return startRow;
    }

    public int startCol() {
        return startCol;
    }

    public int goalCount() {
        return goalCells.length;
    }

    /** Row of the k-th goal cell in reading order (top to bottom, left to right; JaxGCRL's order). */
    public int goalRow(int k) {
        return goalCells[k] / cols;
    }

    public int goalCol(int k) {
        return goalCells[k] % cols;
    }

    /** A copy of the wall mask, row-major. */
    public boolean[] wallMask() {
        return wall.clone();
    }

    /**
     * Shortest path length in cells (4-neighbour moves through open cells) from R to every cell, row-major; −1 for
     * walls and unreachable cells.
     */
    public int[] pathDistances() {
        int[] dist = new int[rows * cols];
        Arrays.fill(dist, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        int s = startRow * cols + startCol;
        dist[s] = 0;
        queue.add(s);
        int[] dr = {1, -1, 0, 0};
        int[] dc = {0, 0, 1, -1};
        while (!queue.isEmpty()) {
            int k = queue.poll();
            int r = k / cols;
            int c = k % cols;
            for (int d = 0; d < 4; d++) {
                int nr = r + dr[d];
                int nc = c + dc[d];
                if (!isWall(nr, nc) && dist[nr * cols + nc] < 0) {
                    dist[nr * cols + nc] = dist[k] + 1;
                    queue.add(nr * cols + nc);
                }
            }
        }
        return dist;
    }

    /**
     * The same maze keeping only the goal cells whose path distance from R is at least {@code fraction} of the
     * farthest goal's (the others become open floor): a way to derive an evaluation layout of far goals.
     */
    public MazeLayout farGoals(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("far-goal fraction must be in [0, 1], got " + fraction);
        }
        int[] dist = pathDistances();
        int max = 0;
        for (int k : goalCells) {
            max = Math.max(max, dist[k]);
        }
        boolean[] kept = new boolean[goal.length];
        for (int k : goalCells) {
            kept[k] = dist[k] >= fraction * max;
        }
        return new MazeLayout(rows, cols, wall, kept, startRow, startCol);
    }

    /** The layout string, rows separated by '/'; {@code parse(toString())} gives an equal layout. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(rows * (cols + 1));
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append('/');
            }
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                sb.append(wall[k] ? '#' : i == startRow && j == startCol ? 'R' : goal[k] ? 'G' : '.');
            }
        }
        return sb.toString();
    }

    /** The layout as lines, for printing. */
    public List<String> lines() {
        return new ArrayList<>(Arrays.asList(toString().split("/")));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MazeLayout m && m.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
