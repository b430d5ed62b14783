-- Gallery views, and workload views ahead of their coming (one rebuild of the table, not two).
ALTER TABLE board_views
    DROP CONSTRAINT board_views_type_check,
    ADD CONSTRAINT board_views_type_check
        CHECK (type IN ('table', 'kanban', 'calendar', 'timeline', 'chart', 'form', 'gallery', 'workload'));
